
Planning failed. litehcl encountered an error while generating this plan.


Error: Resource precondition failed

  on main.tf line 34, in resource "litellm_user" "e":
  34:       condition     = var.which != "e" || each.value > 1 || each.key == "x"
    ├────────────────
    │ each.key is "a"
    │ each.value is 1
    │ var.which is "e"

too small.
exit: 1
