# Terraform's expression values under a diagnostic (recorded from Terraform 1.11.4:
# the same file with litellm_user -> terraform_data, user_email -> input,
# user_alias -> triggers_replace; cmd.plan with -var n=7, cmd.invalid without).
variable "n" {
  type    = number
  default = 3
  validation {
    condition     = var.n > 5 && length(var.l) > 0
    error_message = "n must be more than 5."
  }
}
variable "s" {
  type    = string
  default = "abc"
}
variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
variable "l" {
  type    = list(string)
  default = ["a", "b"]
}
variable "m" {
  type    = map(string)
  default = { a = "1", b = "x\ty" }
}
variable "objs" {
  type    = list(object({ name = string, n = number }))
  default = [{ name = "p", n = 1 }]
}
variable "none" {
  type    = list(string)
  default = []
}
variable "nothing" {
  type    = string
  default = null
}
locals {
  small = 0.000012345678912
  big   = 123456789012
  flag  = true
  obj   = { a = 1, b = "x" }
  one   = { only = 1 }
}
resource "litellm_user" "f" {
  user_email = "f@example.com"
  user_alias = tonumber(var.s)
}
resource "litellm_user" "g" {
  user_email = "g@example.com"
  user_alias = var.secret + 1 + var.n
}
resource "litellm_user" "h" {
  user_email = "h@example.com"
  user_alias = var.l[5]
}
resource "litellm_user" "i" {
  user_email = "i@example.com"
  user_alias = join(",", [for o in var.objs : o.name + o.n + var.n])
}
resource "litellm_user" "c" {
  count      = 2
  user_email = "c${count.index}@example.com"
  user_alias = var.l[count.index] + 1
}
resource "litellm_user" "e" {
  for_each   = var.m
  user_email = "${each.key}@example.com"
  user_alias = tostring(each.value * 2)
}
resource "litellm_user" "k" {
  user_email = "k@example.com"
  user_alias = element(var.none, 0)
}
resource "litellm_user" "j" {
  user_email = "j@example.com"
  user_alias = local.obj[var.s] == local.one.only ? "a" : local.flag
}
resource "litellm_user" "q" {
  user_email = "q@example.com"
  user_alias = tostring(var.nothing + 1)
}
