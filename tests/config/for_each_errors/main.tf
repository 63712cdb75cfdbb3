variable "secret_set" {
  default   = ["a"]
  sensitive = true
}

resource "litellm_user" "list" {
  for_each   = ["a", "b"]
  user_email = "${each.key}@example.com"
}

resource "litellm_user" "nul" {
  for_each   = null
  user_email = "x@example.com"
}

resource "litellm_user" "numbers" {
  for_each   = toset([1, 2])
  user_email = "${each.key}@example.com"
}

resource "litellm_user" "sens" {
  for_each   = toset(var.secret_set)
  user_email = "${each.key}@example.com"
}

resource "litellm_user" "str" {
  for_each   = "a"
  user_email = "x@example.com"
}

resource "litellm_user" "both" {
  count      = 1
  for_each   = { a = 1 }
  user_email = "both@example.com"
}
