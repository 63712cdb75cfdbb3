# data blocks: the lookup keys, unsupported arguments, lifecycle, references
data "litellm_user" "both" {
  user_id    = "a"
  user_email = "a@example.com"
}

data "litellm_user" "none" {
}

data "litellm_team" "bad" {
  team_alias = "eng"
  models     = ["gpt-4"]
  tema_id    = "x"
  lifecycle {
    prevent_destroy = true
    precondition {
      condition     = true
      error_message = "never"
    }
  }
}

data "litellm_user" "ok" {
  user_email = "ok@example.com"
}

data "litellm_user" "ok" {
  user_id = "dup"
}

data "litellm_team_member" "m" {
  team_id = "t"
}

variable "nothing" {
  type    = string
  default = null
}

data "litellm_user" "null_key" {
  user_email = var.nothing
}

data "litellm_user" "bad_email" {
  user_email = "not-an-email"
}

output "missing" { value = data.litellm_user.nope.id }
output "type_only" { value = data.litellm_user }
output "fine" { value = data.litellm_user.ok.user_role }
output "no_attr" { value = data.litellm_user.ok.no_such_attr }
