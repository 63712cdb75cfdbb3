a = "${null}x"
b = "%{if c}${null}%{endif}x"
c = "%{if c}y%{else}${null}%{endif}x"
d = "${c ? null : 1}x"
e = "${c ? "p" : "q"}"
f = -1
g = !true
h = "${1.50} ${true} ${"q${z}"}"
i = { "a${b}" = 1, (c) = 2, d.e = 3, 4 = 5 }
j = "%{if a}${b}%{else}%{endif}"
k = <<EOT
x $${y} %%{z}
EOT
l = "${1e3}"
m = "${null}"
