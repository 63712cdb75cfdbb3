locals {
  t     = "Hello, $${name}!"
  list  = "%%{ for x in items }- $${x}\n%%{ endfor }"
  bad   = "$${"
  num   = 5
  obj   = { tpl = "v=$${v}" }
  lst   = ["a=$${a}"]
  inner = "$${templatestring(x, {})}"
  ref   = "$${local.num}"
}
variable "v" {
  default = "x=$${x}"
}
