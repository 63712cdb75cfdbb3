variable "x" {}
variable "y" {
  type = list(string)
}
variable "z" {
  default = 1
}
