a = "${var.x}"
b = "${ var.x }${var.y}"
c = "x${var.x}"
d = "${"${var.z}"}"
e = "${
  var.x
}"
f = "${var.a ?
 var.b : var.c}"
g = "${(var.a ?
 var.b : var.c)}"
h = { k = "${var.x}" }
blk {
  i = "${var.i}"
}
j = "${~ var.j ~}"
