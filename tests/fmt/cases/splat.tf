a = x[*].y
b = x.*.y
c = x[*]
d = x.0.y
e = x[ 0 ]
f = x [0]
