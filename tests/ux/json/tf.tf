variable "n" { default = 1 }
resource "terraform_data" "a" {
  input = jsonencode({ team = "x" })
}
resource "terraform_data" "b" {
  count = var.n
  input = ["x", terraform_data.a.id]
}
resource "terraform_data" "gone" {
  count = var.n == 1 ? 1 : 0
  input = "bye"
}
output "ids" { value = terraform_data.b[*].id }
output "const" { value = "c" }
output "last_b" { value = terraform_data.b[var.n - 1].id }
