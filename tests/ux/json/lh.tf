variable "n" { default = 1 }
resource "litellm_user" "a" {
  user_email = "a@json.example"
  metadata   = jsonencode({ team = "x" })
}
resource "litellm_user" "b" {
  count      = var.n
  user_email = "b${count.index}@json.example"
  models     = ["x", litellm_user.a.user_id]
}
resource "litellm_user" "gone" {
  count      = var.n == 1 ? 1 : 0
  user_email = "gone@json.example"
}
output "ids" { value = litellm_user.b[*].user_id }
output "const" { value = "c" }
output "last_b" { value = litellm_user.b[var.n - 1].user_id }
