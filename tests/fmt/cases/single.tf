a { b = 1 }
c {}
d { }
e "x" { f = "${var.y}" }
