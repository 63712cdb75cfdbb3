basic = <<EOT
Foo
Bar
EOT
indented = <<EOT
    Foo
      Bar
  EOT
flush = <<-EOT
    Foo
      Bar
    EOT
flush_interp = <<-EOT
    Foo
  ${bar}
    Baz
    EOT
blank_lines = <<-EOT
    a

    b
  EOT
tabs = <<-EOT
	a
  b
  EOT
empty = <<EOT
EOT
suffix = <<EOT
  NOT EOT
  EOT
nested = "${<<EOT
inner
EOT
}"
directives = <<-EOT
    %{ for x in xs ~}
    item ${x}
    %{ endfor ~}
    EOT
escapes = <<EOT
no \n escape $${x} %%{y}
EOT
