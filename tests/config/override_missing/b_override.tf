output "nope" {
  value = 1
}
variable "nv" {
  default = 1
}
locals {
  zz = 1
}
