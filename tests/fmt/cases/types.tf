variable "a" {
  type = "string"
}
variable "b" {
  type = "list"
}
variable "c" {
  type = "map"
}
variable "d" {
  type = list
}
variable "e" {
  type = map
}
variable "f" {
  type = set
}
variable "g" {
  type = "${string}"
  default = "${var.x}"
}
other "x" {
  type = "string"
}
type = "string"
variable "h" {
  nested {
    type = "string"
  }
}
