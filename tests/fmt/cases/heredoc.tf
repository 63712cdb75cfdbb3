a = <<EOT
  keep   this
    ${ var.x }
  EOT
b = <<-EOT
    hello ${var.y}
    %{ if true }x%{ endif }
  EOT
ccc = 1
