# Arguments whose value is the same for every instance of a block (config.c
# invariant_expr): an error in one is reported once, at its range, as when every
# instance evaluated it; one that refers to each.key is checked for each instance;
# an error in a for_each map is reported once, at its range.
variable "b" {
  default = -1
}
locals {
  role = "bogus"
}
resource "litellm_user" "u" {
  for_each   = toset(["a", "b", "c"])
  user_email = "${each.key}@inv.example"
  max_budget = var.b + 0
  user_role  = local.role
  user_alias = "x${each.key == "b" ? "\u0000" : ""}"
}
resource "litellm_user" "c" {
  count      = 3
  user_email = "c${count.index}@inv.example"
  user_role  = count.index == 1 ? "bogus" : "internal_user"
  max_budget = upper("x")
}
resource "litellm_user" "m" {
  for_each   = { for k in ["a", "a"] : k => k }
  user_email = "${each.key}@m.example"
}
