resource "litellm_user" "a" {
  user_email      = "a@example.com"
  user_alias      = "alias"
  user_role       = "proxy_admin_viewer"
  max_budget      = 0
  budget_duration = "1mo"
  tpm_limit       = 0
  rpm_limit       = "10"
  models          = []
  metadata        = "{\"a\": [1, 2]}"
  user_id         = "fixed-id"
}

resource "litellm_user" "b" {
  user_email      = "b@example.com"
  budget_duration = "12h"
  user_role       = "internal_user_viewer"
}

resource "litellm_user" "c" {
  user_email      = "c@example.com"
  budget_duration = "weekly"
  user_role       = "admin"
}
