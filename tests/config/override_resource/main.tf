resource "litellm_user" "u" {
  user_email = "a@example.com"
  user_role  = "admin"
  models     = ["a"]
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [models]
  }
}
