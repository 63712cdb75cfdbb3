resource "litellm_user" "a" {
  user_id    = "ov-a"
  user_email = "a@ov.example"
}
resource "litellm_user" "b" {
  user_id    = "ov-b"
  user_email = "b@ov.example"
  user_alias = "bee"
}
data "litellm_user" "d" {
  user_id = "x"
  user_email = "y"
}
