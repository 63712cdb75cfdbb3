# Users from a variable: one litellm_user per entry, with defaults from locals and
# values from terraform.tfvars.  The provider reads LITELLM_API_BASE and
# LITELLM_API_KEY from the environment; -var 'api_base=...' points this one
# configuration elsewhere.
terraform {
  required_providers {
    litellm = {
      source = "ncecere/litellm"
    }
  }
}

provider "litellm" {
  # null (the default) leaves the URL to LITELLM_API_BASE
  api_base = var.api_base
}

variable "api_base" {
  type        = string
  description = "LiteLLM proxy URL; null: LITELLM_API_BASE"
  default     = null
}

variable "team" {
  type = string
}

variable "users" {
  description = "Users to create, by short name"
  type = map(object({
    email      = string
    role       = optional(string, "user")
    max_budget = optional(number)
    models     = optional(list(string), [])
  }))

  validation {
    condition     = alltrue([for u in var.users : strcontains(u.email, "@")])
    error_message = "Every user needs an email address."
  }
}

locals {
  default_models = ["gpt-4o-mini"]
  metadata = {
    team       = var.team
    managed_by = "litehcl"
  }
}

resource "litellm_user" "team" {
  for_each = var.users

  user_email      = each.value.email
  user_alias      = "${var.team}-${each.key}"
  user_role       = each.value.role
  max_budget      = each.value.max_budget
  budget_duration = "monthly"
  models          = length(each.value.models) > 0 ? each.value.models : local.default_models
  metadata        = jsonencode(merge(local.metadata, { user = each.key }))
}

output "user_ids" {
  description = "LiteLLM user ids by short name"
  value       = { for k, u in litellm_user.team : k => u.user_id }
}
