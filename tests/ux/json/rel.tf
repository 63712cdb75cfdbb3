variable "v" { default = "1" }
resource "litellm_user" "a" {
  user_email = "a@rel.example"
}
resource "litellm_user" "b" {
  user_email = "b@rel.example"
}
resource "litellm_user" "c" {
  user_email = "c@rel.example"
}
resource "litellm_user" "e" {
  user_email = "e@rel.example"
}
resource "litellm_user" "d" {
  user_alias = "${local.viae}${var.v}"
  user_email = "d@rel.example"
}
locals {
  whole = litellm_user.b
  attr  = litellm_user.c.user_id
  both  = [local.attr, litellm_user.a.user_id]
  viae  = litellm_user.e.user_email
  unused = litellm_user.a.user_role
}
output "o1" { value = "${local.whole.user_id}${var.v}" }
output "o2" { value = [local.both, var.v] }
check "k" {
  assert {
    condition     = local.unused != "zz${var.v}"
    error_message = "no"
  }
}

