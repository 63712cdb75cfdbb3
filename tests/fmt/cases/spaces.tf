a = [1,2,3]
b = {x=1,y=2}
c = f(1,2, 3 ...)
d = a.b[0].c[*].d
e = -1 + - 2 * (-3)
f = !true&&false||!x
g = x==1?2:3
h = [for k,v in x: v if v!=null]
i = {for k,v in x: k=>v...}
j = [for x in [1,2]: x]
k = a.*.b
l = "${a}${b}"
m = "%{for x in y}${x}%{endfor}"
n = provider::aws::arn_parse("x")
o = a[0][1]
p = (1+2)*3
q = 1-1
r = x - -1
s = [-1, - 1]
t = a ? -1 : -2
u = foo(-1)
v = 5 % 3
w = x>=1 && y<=2 && z<3 && q>4
x = a/b
y = [for s in var.list : upper(s)]
z = { for s in var.list : s => upper(s) }
