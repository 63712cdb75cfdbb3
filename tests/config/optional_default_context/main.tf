# optional()'s default is evaluated without a context, as HCL does in Terraform:
# no references ("Variables not allowed", the root name), no function calls.
# Recorded against Terraform 1.11 (terraform_data twin).
resource "litellm_user" "x" {
  user_email = "x@example.com"
}
variable "v" {
  type    = object({ a = optional(string, litellm_user.x.user_emial) })
  default = {}
}
variable "w" {
  type    = object({ a = optional(string, upper("x")) })
  default = {}
}
variable "z" {
  type    = object({ a = optional(string, var.v) })
  default = {}
}
