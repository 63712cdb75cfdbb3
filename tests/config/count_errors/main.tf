resource "litellm_user" "neg" {
  count      = -1
  user_email = "neg@example.com"
}

resource "litellm_user" "frac" {
  count      = 1.5
  user_email = "frac@example.com"
}

resource "litellm_user" "str" {
  count      = "many"
  user_email = "str@example.com"
}

resource "litellm_user" "nul" {
  count      = null
  user_email = "nul@example.com"
}

resource "litellm_user" "no_each" {
  user_email = "${each.key}@example.com"
}

resource "litellm_user" "no_count" {
  user_email = "u${count.index}@example.com"
}

resource "litellm_user" "bad_attr" {
  count      = 1
  user_email = "u${count.nope}@example.com"
}
