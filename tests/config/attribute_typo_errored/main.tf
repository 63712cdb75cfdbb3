# A misspelt attribute of a resource whose own block has an error still gets the
# schema's wording and "Did you mean": Terraform checks a reference against the
# resource type's schema before evaluating anything (StaticValidateReferences), so what
# the referenced block's values are - or whether they could be worked out - does not
# matter.  (Terraform's validate would report the block's error alone, leaving the
# blocks that depend on it for the next run; litehcl reports both at once.)
resource "litellm_user" "bad_count" {
  count      = "many"
  user_email = "a${count.index}@example.com"
}

resource "litellm_user" "bad_for_each" {
  for_each   = 3
  user_email = "${each.key}@example.com"
}

resource "litellm_user" "misspelt" {
  user_emial = "m@example.com"
}

resource "litellm_team" "bad_value" {
  team_alias = "t"
  max_budget = "lots"
}

output "from_bad_count" {
  value = litellm_user.bad_count[0].user_emial
}

output "from_bad_for_each" {
  value = litellm_user.bad_for_each["a"].user_emial
}

output "from_misspelt" {
  value = litellm_user.misspelt.user_emial
}

resource "litellm_team_member" "m" {
  team_id = litellm_team.bad_value.teamid
  user_id = litellm_user.misspelt.user_idd
  role    = "user"
}
