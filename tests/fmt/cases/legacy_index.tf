a = var.x.0.y
b = var.x.0
c = var.x[0].y
d = aws_instance.web.*.id
e = aws_instance.web.*.tags.Name
