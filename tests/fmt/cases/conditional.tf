a = var.x ? "y" : "z"
b = var.x?var.y:var.z
c = (var.x
? 1
: 2)
d = var.a ? var.b ? 1 : 2 : 3
