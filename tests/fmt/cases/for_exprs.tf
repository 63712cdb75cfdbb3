a = [for i,v in var.x: v*2 if i>0]
b = {for k, v in var.m : k => v...}
c = [ for x in [ 1, 2 ] : x ]
d = {
  for k, v in var.m :
  k => v
  if v != null
}
e = [for x in flatten([var.a,var.b]): x]
