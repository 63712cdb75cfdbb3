resource "litellm_user" "a" {
  user_email = "a@example.com"
  user_id    = ""
}
resource "litellm_user" "b" {
  user_email = "b@example.com"
  user_id    = " padded"
}
