a = jsonencode(<<EOT
{"a": 1}
EOT
)
b = [<<EOT
x
EOT
, "y"]
c {
    d = <<-EOT
		tabs
      EOT
    ee = 1
}
f = <<EOT
no interp $${x} %%{y}
EOT
