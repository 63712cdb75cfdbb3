a = !var.x
b = ! var.x
c = -var.x
d = 1 - -1
e = [1, -2]
f = {a = -1}
g = x ? -1 : - 2
h = f(1, -2)
i = 2 * -3
j = 2 - 3
k = (-1)
l = -(1)
m = var.a-1
n = 1 -1
o = !(true)
