resource "litellm_user" "u" {
  user_email = "u@example.com"
}

locals {
  id    = litellm_user.u.id
  spend = litellm_user.u.spend
}
