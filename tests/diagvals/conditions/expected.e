
litehcl used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  + create

litehcl planned the following actions, but then encountered a problem:

  # litellm_user.e["b"] will be created
  + resource "litellm_user" "e" {
      + budget_duration = (known after apply)
      + created_at      = (known after apply)
      + id              = (known after apply)
      + max_budget      = (known after apply)
      + metadata        = (known after apply)
      + models          = (known after apply)
      + rpm_limit       = (known after apply)
      + spend           = (known after apply)
      + tpm_limit       = (known after apply)
      + updated_at      = (known after apply)
      + user_alias      = (known after apply)
      + user_email      = "b@example.com"
      + user_id         = (known after apply)
      + user_role       = "user"
    }

  # litellm_user.p will be created
  + resource "litellm_user" "p" {
      + budget_duration = (known after apply)
      + created_at      = (known after apply)
      + id              = (known after apply)
      + max_budget      = (known after apply)
      + metadata        = (known after apply)
      + models          = (known after apply)
      + rpm_limit       = (known after apply)
      + spend           = (known after apply)
      + tpm_limit       = (known after apply)
      + updated_at      = (known after apply)
      + user_alias      = (known after apply)
      + user_email      = "p@example.com"
      + user_id         = (known after apply)
      + user_role       = "user"
    }

Plan: 2 to add, 0 to change, 0 to destroy.

Changes to Outputs:
  + o = 1

Error: Resource precondition failed

  on main.tf line 34, in resource "litellm_user" "e":
  34:       condition     = var.which != "e" || each.value > 1 || each.key == "x"
    ├────────────────
    │ each.key is "a"
    │ each.value is 1
    │ var.which is "e"

too small.
exit: 1
