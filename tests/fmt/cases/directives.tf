a = "%{~ if var.x ~}yes%{~ else ~}no%{~ endif ~}"
b = <<EOT
%{ for x in var.list ~}
  - ${ x }
%{ endfor ~}
EOT
c = "${ {a = 1} }"
d = "${ { a = 1 }.a }"
