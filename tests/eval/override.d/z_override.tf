# later override files apply after earlier ones; an argument replaces the argument
variable "w" {
  default = ["y", "z"]
}
locals {
  a = 100
}
