variable "v" {
  default = "over"
}
locals {
  b = 20
}
output "p" {
  value = "p2"
}
