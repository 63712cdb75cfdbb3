# Terraform's expression values under validate's diagnostics (recorded from
# Terraform 1.11.4): validate knows locals, not variables (unknown: their type only).
variable "u" {
  type = list(string)
}
variable "any" {}
locals {
  small = 0.000012345678912
  big   = 123456789012
  flag  = true
  one   = { only = 1 }
  obj   = { a = 1, b = "x" }
  l     = ["a"]
  sec   = sensitive("s")
  none  = null
  calls = upper(local.small, local.big, local.flag, local.one)
  cond  = local.flag ? local.l : "x"
  attr  = local.obj.c
  sens  = local.sec + 1
  unk   = upper(var.u, var.any, local.none)
  fors  = [for k, v in local.obj : v + local.big if k != local.l[0]]
  tmpl  = "${local.l}"
}
