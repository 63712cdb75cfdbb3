# A sensitive argument is never quoted in a function's message (Terraform 1.11.4:
# "cannot convert this sensitive string to number"); a plain one is.
variable "s" {
  type      = string
  default   = "sk-sensitive-9012"
  sensitive = true
}
variable "p" {
  type    = string
  default = "plain"
}
resource "litellm_user" "u" {
  user_email = "u@example.com"
  max_budget = tonumber(var.s)
}
resource "litellm_user" "v" {
  user_email = "v@example.com"
  max_budget = tonumber(var.p)
}
