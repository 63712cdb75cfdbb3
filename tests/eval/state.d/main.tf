resource "litellm_user" "numbered" {
  count      = 2
  user_email = "n${count.index}@example.com"
}
resource "litellm_user" "team" {
  for_each   = toset(["alice@example.com", "bob \"the builder\""])
  user_email = each.key
}
resource "litellm_user" "other" {
  user_email = "o@example.com"
}
