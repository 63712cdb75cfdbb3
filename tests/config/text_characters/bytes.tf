resource "litellm_user" "surrogate" {
  user_email = "sí €@example.com"
}
