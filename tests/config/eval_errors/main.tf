locals {
  bad_op   = 1 + "x"
  bad_idx  = [1][3]
  bad_fn   = uppr("x")
  bad_attr = { a = 1 }.b
  ok       = try(local.bad_idx, "fallback")
}

resource "litellm_user" "a" {
  user_email = "a@example.com"
  user_alias = local.nope
  max_budget = var.missing
}
