resource "litellm_user" "a" {
  user_email = "a@example.com
}
