variable "e" {
  type = string
  default = null
}
resource "litellm_user" "a" {
  user_email = var.e
  models = ["a", null]
}
resource "litellm_user" "b" {
  user_email = null
}
