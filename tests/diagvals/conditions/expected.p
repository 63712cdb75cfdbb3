
Planning failed. litehcl encountered an error while generating this plan.


Error: Resource precondition failed

  on main.tf line 24, in resource "litellm_user" "p":
  24:       condition     = var.which != "p" || length(var.l) > 3 && var.secret != "" && local.flag
    ├────────────────
    │ local.flag is true
    │ var.l is list of string with 2 elements
    │ var.which is "p"

need more than 3, got 2.
exit: 1
