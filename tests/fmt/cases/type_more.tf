variable "a" {
  type = list # legacy
  description = "${var.x}"
}
variable "b" {
  type = "${list}"
}
variable "c" {
  type = map(string)
}
variable "d" {
  type = "number"
}
variable "e" {
  type    = "string"
  default = "x"
}
