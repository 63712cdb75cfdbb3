a = "x  ${~ y ~}  z"
b = "a   %{~ if c ~}   b   %{~ else ~}   d   %{~ endif ~}   e"
c = "a   %{~ for v in xs ~}   ${v}   %{~ endfor ~}   e"
d = <<EOT
  line1
  ${~x~}
  line3
EOT
