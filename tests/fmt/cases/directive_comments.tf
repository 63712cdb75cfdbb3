a = "%{ /* c */ if true }y%{ endif }"
b = "%{
if true }y%{ endif }"
c = "%{ # c
if true }y%{ endif }"
d = "%{ if true /* c */ }y%{ /* d */ else /* e */ }z%{endif}"
e = <<EOT
%{ // c
for x in [1] ~}
${x}
%{ endfor }
EOT
