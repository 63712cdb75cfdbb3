variable "v" { default = "1" }
resource "terraform_data" "a" {
  input = "a"
}
resource "terraform_data" "b" {
  input = "b"
}
resource "terraform_data" "c" {
  input = "c"
}
resource "terraform_data" "e" {
  input = "e"
}
resource "terraform_data" "d" {
  input = "${local.viae}${var.v}"
}
locals {
  whole = terraform_data.b
  attr  = terraform_data.c.output
  both  = [local.attr, terraform_data.a.id]
  viae  = terraform_data.e.input
  unused = terraform_data.a.output
}
output "o1" { value = "${local.whole.output}${var.v}" }
output "o2" { value = [local.both, var.v] }
check "k" {
  assert {
    condition     = local.unused != "zz${var.v}"
    error_message = "no"
  }
}
