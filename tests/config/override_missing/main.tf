variable "v" {
  type    = string
  default = "base"
}
locals {
  a = 1
  b = 2
}
output "o" {
  value = "${var.v}-${local.a}-${local.b}"
}
output "p" {
  value     = "p"
  sensitive = false
}
