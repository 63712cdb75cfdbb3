# quickstart: four LiteLLM users managed by litehcl - an administrator and one
# developer per name in var.developers (for_each).  The provider reads
# LITELLM_API_BASE and LITELLM_API_KEY from the environment (examples/demo.sh sets
# them for a local emulator).

terraform {
  required_providers {
    litellm = {
      source = "ncecere/litellm"
    }
  }
}

provider "litellm" {}

variable "developers" {
  description = "Developer user names; each gets name@example.com"
  type        = set(string)
  default     = ["alice", "bob", "carol"]
}

resource "litellm_user" "admin" {
  user_email = "admin@example.com"
  user_alias = "system-admin"
  user_role  = "admin"
  max_budget = 0 # unlimited
}

resource "litellm_user" "dev" {
  for_each = var.developers

  user_email      = "${each.key}@example.com"
  user_alias      = each.key
  max_budget      = 25
  budget_duration = "monthly"
  tpm_limit       = 100000
  rpm_limit       = 1000
  models          = ["gpt-4o", "gpt-4o-mini"]

  metadata = jsonencode({
    team       = "platform"
    managed_by = "litehcl"
  })
}

output "admin_id" {
  value = litellm_user.admin.id
}

output "developer_ids" {
  value = { for name, u in litellm_user.dev : name => u.user_id }
}
