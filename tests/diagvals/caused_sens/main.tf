# A diagnostic Terraform marks as caused by sensitive or unknown values describes
# them (recorded from Terraform 1.11.4: litellm_user -> terraform_data, user_email ->
# input, user_id -> id).
variable "s" {
  type      = set(string)
  default   = ["a"]
  sensitive = true
}
resource "litellm_user" "x" {
  for_each   = var.s
  user_email = "${each.key}@example.com"
}
