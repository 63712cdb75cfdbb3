# A misspelt attribute after a reference to a resource: Terraform's schema check and
# its "Did you mean" (first sorted name within edit distance 2).  Checked against
# Terraform 1.11 with terraform_data twins (terraform_data.x.inputt etc.).  An object
# that is not a resource keeps HCL's wording, without a suggestion.
resource "litellm_team" "t" {
  team_alias = "eng"
}

resource "litellm_team" "c" {
  count      = 2
  team_alias = "eng${count.index}"
}

resource "litellm_team" "f" {
  for_each   = toset(["x"])
  team_alias = each.key
}

data "litellm_user" "d" {
  user_id = "u"
}

output "typo" {
  value = litellm_team.t.teamid
}

output "far" {
  value = litellm_team.t.zzzzzz
}

output "count_instance" {
  value = litellm_team.c[1].team_alia
}

output "each_instance" {
  value = litellm_team.f["x"].max_budgett
}

output "data" {
  value = data.litellm_user.d.user_emal
}

output "interpolated" {
  value = "team ${litellm_team.t.team_aliass}"
}

output "not_a_resource" {
  value = { team_id = 1 }.teamid
}
