resource "litellm_user" "a" {
  user_email = "a@example.com"
  user_alias = litellm_user.b.id
}

resource "litellm_user" "b" {
  user_email = "b@example.com"
  depends_on = [litellm_user.a]
}

resource "litellm_user" "self" {
  user_email = "self@example.com"
  user_alias = litellm_user.self.id
}
