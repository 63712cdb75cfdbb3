x = upper("a")
z = var.x
block {}
