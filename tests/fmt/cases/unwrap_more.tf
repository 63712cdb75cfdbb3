a = "${var.x}" # c
b = "${ {a=1} }"
c = "${[
  1,
  2,
]}"
d = "${f(
  1)}"
e = "${var.x}${var.y}"
f = "${var.x}-"
g = "$${var.x}"
h = "${var.a}" == "${var.b}"
i = "${"a"}"
j = "${x /* c */}"
k = "${
# comment
x
}"
l = "%{if x}a%{endif}"
