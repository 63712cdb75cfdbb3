a = "x ${~ var.y ~} z"
b = <<EOT
  ${~var.x~}
EOT
