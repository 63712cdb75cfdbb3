a = x.y.z
b = x[0]["k"][var.i]
c = x.0
e = x.y[0].z
f = count.index
g = each.value.name
