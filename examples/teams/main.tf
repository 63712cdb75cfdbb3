# teams: LiteLLM teams and their members.  The first three blocks are the fourth
# example of the user documentation page ("User with Team Assignment"), as written;
# below it, teams and their members come from one map (team -> users) with for_each.
# The provider reads LITELLM_API_BASE and LITELLM_API_KEY from the environment
# (examples/demo.sh sets them for a local emulator).

terraform {
  required_providers {
    litellm = {
      source = "ncecere/litellm"
    }
  }
}

provider "litellm" {}

# ---- the documentation page's example ----

resource "litellm_team" "backend" {
  team_alias = "backend-team"
}

resource "litellm_user" "backend_dev" {
  user_email = "backend-dev@company.com"
  user_alias = "backend-developer"
}

resource "litellm_team_member" "dev_membership" {
  team_id = litellm_team.backend.team_id
  user_id = litellm_user.backend_dev.user_id
  role    = "user"
}

# ---- teams and members from a map ----

variable "teams" {
  description = "Team name -> the user names in it; each user is name@company.com"
  type        = map(list(string))
  default = {
    platform = ["ana", "ben"]
    research = ["ben", "chloe", "dev"]
  }
}

variable "team_leads" {
  description = "Users who get the team's admin role (needs a licensed LiteLLM)"
  type        = set(string)
  default     = []
}

locals {
  # every user once, whatever the number of teams they are in
  people = toset(flatten(values(var.teams)))
  # one entry per (team, user): "platform/ana" = { team = "platform", user = "ana" }
  memberships = merge([
    for team, users in var.teams : {
      for user in users : "${team}/${user}" => { team = team, user = user }
    }
  ]...)
}

resource "litellm_team" "team" {
  for_each        = var.teams
  team_alias      = each.key
  models          = ["gpt-4o", "gpt-4o-mini"]
  max_budget      = 100
  budget_duration = "monthly"
  metadata        = { cost_center = each.key }
}

resource "litellm_user" "person" {
  for_each   = local.people
  user_email = "${each.key}@company.com"
  user_alias = each.key
}

resource "litellm_team_member" "member" {
  for_each           = local.memberships
  team_id            = litellm_team.team[each.value.team].team_id
  user_id            = litellm_user.person[each.value.user].user_id
  role               = contains(var.team_leads, each.value.user) ? "admin" : "user"
  max_budget_in_team = 25
}

output "team_ids" {
  value = { for name, t in litellm_team.team : name => t.team_id }
}

output "members" {
  description = "team/user -> role"
  value       = { for k, m in litellm_team_member.member : k => m.role }
}
