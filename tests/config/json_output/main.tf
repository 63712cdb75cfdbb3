resource "litellm_user" "a" {
  user_emial = "a@example.com"
}
