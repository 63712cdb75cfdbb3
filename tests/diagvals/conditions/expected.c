
litehcl used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  + create

litehcl will perform the following actions:

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

Plan: 3 to add, 0 to change, 0 to destroy.

Changes to Outputs:
  + o = 1

Warning: Check block assertion failed

  on main.tf line 41, in check "c":
  41:     condition     = var.which != "c" || length(local.m) > 5
    ├────────────────
    │ local.m is object with 2 attributes
    │ var.which is "c"

few.

─────────────────────────────────────────────────────────────────────────────

Note: You didn't use the -out option to save this plan, so litehcl can't
guarantee to take exactly these actions if you run "litehcl apply" now.
exit: 0
