resource "litellm_user" "c" {
  user_email = "Dup@Example.com"
}

resource "litellm_user" "d" {
  user_email = "dup@example.com"
}

resource "litellm_user" "each" {
  for_each   = toset(["x", "X"])
  user_email = "${lower(each.key)}@example.com"
}
