true = true
false = false
null = null
for = 1
in = 2
if = 3
x = var.if
y = { in = 2, if = 3 }
