
litehcl used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  + create

litehcl planned the following actions, but then encountered a problem:

  # litellm_user.e["a"] will be created
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
      + user_email      = "a@example.com"
      + user_id         = (known after apply)
      + user_role       = "user"
    }

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

Plan: 2 to add, 0 to change, 0 to destroy.

Changes to Outputs:
  + o = 1

Error: Resource precondition failed

  on main.tf line 24, in resource "litellm_user" "p":
  24:       condition     = var.which != "p" || length(var.l) > 3 && var.secret != "" && local.flag
    ├────────────────
    │ local.flag is true
    │ var.l is list of string with 2 elements
    │ var.which is "p"

need more than 3, got 2.
exit: 1
