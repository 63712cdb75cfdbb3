resource "litellm_user" "b" {
  user_email = "A@ov.example"
}
data "litellm_user" "d" {
  user_email = "z"
}
