# References to resources checked as Terraform 1.11's StaticValidateReferences checks
# them, whatever the values (recorded against terraform_data twins: the same file with
# litellm_user -> terraform_data, user_email -> input, user_id -> output): an index key
# on a resource without count/for_each, none on one with them, the attribute named
# against the schema.  Behind a dynamic index or a splat nothing is static: validate
# says nothing (Terraform's validate knows no instances), plan checks the values.
variable "k" {
  type    = number
  default = 0
}

resource "litellm_user" "u" {
  count      = 2
  user_email = "u${count.index}@example.com"
}

resource "litellm_user" "f" {
  for_each   = toset(["a"])
  user_email = "${each.key}@example.com"
}

resource "litellm_user" "x" {
  user_email = "x@example.com"
}

output "count_without_key" {
  value = litellm_user.u.user_id
}

output "for_each_without_key" {
  value = litellm_user.f.user_id
}

output "key_on_single" {
  value = litellm_user.x["user_email"]
}

output "index_for_attribute" {
  value = litellm_user.u[0]["user_email"]
}

output "index_number" {
  value = litellm_user.u[1][0]
}

output "without_key_misspelt" {
  value = litellm_user.u.user_emial
}

output "count_attribute" {
  value = litellm_user.u.count
}

output "after_attribute" {
  value = litellm_user.x.user_email.domain
}

output "dynamic_key" {
  value = litellm_user.u[var.k].nosuch
}

output "splat" {
  value = litellm_user.u[*].nosuch
}

output "whole" {
  value = length(litellm_user.u) + length(litellm_user.f)
}

output "in_for" {
  value = [for u in litellm_user.u : u.user_email]
}

output "each_key_ok" {
  value = litellm_user.f["a"].user_email
}
