a = <<EOT
  x
  EOT   
b = <<EOT
  EOT y
EOT
