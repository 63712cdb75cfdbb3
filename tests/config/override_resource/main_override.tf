resource "litellm_user" "u" {
  user_role = "user"
  lifecycle {
    prevent_destroy = false
  }
}
