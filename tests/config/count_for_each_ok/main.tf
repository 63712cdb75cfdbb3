locals {
  people = {
    alice = { email = "alice@example.com", role = "admin" }
    bob   = { email = "bob@example.com", role = "user" }
  }
}

resource "litellm_user" "counted" {
  count      = 3
  user_email = "user${count.index}@example.com"
  user_alias = "user-${count.index}"
}

resource "litellm_user" "mapped" {
  for_each   = local.people
  user_email = each.value.email
  user_role  = each.value.role
  user_alias = each.key
}

resource "litellm_user" "set" {
  for_each   = toset(["carol", "dave"])
  user_email = "${each.value}@example.com"
}

resource "litellm_user" "derived" {
  for_each   = litellm_user.mapped
  user_email = "copy-${each.key}@example.com"
  user_alias = each.value.user_id
}

output "counted_ids" {
  value = litellm_user.counted[*].id
}

output "mapped_emails" {
  value = { for k, u in litellm_user.mapped : k => u.user_email }
}
