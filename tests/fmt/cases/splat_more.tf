a = var.x[*]
b = var.x[*].y[0]
c = var.x.*
d = [for o in var.x : o.id][0]
e = var.m["k"]
f = var.m [ "k" ]
