locals {
  h1 = <<EOT
hello
  world
EOT
  h2 = <<-EOT
    indented
      more
    EOT
  h3 = <<EOT
%{ for x in [1, 2] ~}
item ${x}
%{ endfor ~}
EOT
  h4 = "a ${"b"} %{ if true ~} c %{~ endif }"
  list_of_maps = [{ name = "a", tags = ["x"] }, { name = "b", tags = [] }]
  names        = local.list_of_maps[*].name
  tagged       = [for m in local.list_of_maps : m.name if length(m.tags) > 0]
  merged       = merge({ a = 1 }, { b = 2 })
}
