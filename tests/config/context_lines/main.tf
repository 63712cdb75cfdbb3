# Diagnostics name the top-level block around them and show every line of a
# multi-line subject; they are printed sorted by position (as Terraform 1.11,
# whose `terraform validate -no-color` output this matches byte for byte).
output "o" {
  value = local.zzz
}

locals {
  c = [
    1,
    2
  ][5]
  a = var.nope
}

output "p" {
  value = {
    a = 1
  }.b
}
