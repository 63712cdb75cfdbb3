# validate does not need variable values (as terraform validate): unset variables are
# unknown, and resources whose count or for_each depend on them are checked once.
variable "users" {
  type = map(object({ email = string }))
}

variable "n" {
  type = number
}

resource "litellm_user" "each" {
  for_each   = var.users
  user_email = each.value.email
  user_alias = each.key
}

resource "litellm_user" "counted" {
  count      = var.n
  user_email = "u${count.index}@example.com"
  user_emial = "typo"
}

output "emails" {
  value = [for u in litellm_user.each : u.user_email]
}
