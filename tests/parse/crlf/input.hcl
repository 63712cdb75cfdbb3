a = 1
b {
  c = "x" # comment
}
d = <<EOT
line
EOT
