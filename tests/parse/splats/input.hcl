a = x.*
b = x.*.y.z
c = x[*]
d = x[*].y[0].z
e = x.*.y[0]
f = x.*.0
g = (x[*].y)[0]
h = x[*][*].y
