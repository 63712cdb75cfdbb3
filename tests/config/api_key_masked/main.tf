provider "litellm" {
  api_key  = "sk-qa-master" + 1
}
resource "litellm_user" "a" {
  user_email = "a@b.c"
}
