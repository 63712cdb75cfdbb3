# Numbers LiteLLM cannot keep are refused at the attribute: budgets are float64
# (finite, not rounded to 0), limits are whole BIGINTs (0 to 2^63-1).
resource "litellm_user" "ok" {
  user_email = "ok@example.com"
  max_budget = 1.7e308
  tpm_limit  = 9223372036854775807
  rpm_limit  = -0
}

resource "litellm_user" "big" {
  user_email = "big@example.com"
  max_budget = 1e400
  tpm_limit  = 9223372036854775808
  rpm_limit  = 1e30
}

resource "litellm_user" "odd" {
  user_email = "odd@example.com"
  max_budget = 1e-400
  tpm_limit  = 1 / 0
  rpm_limit  = 2.5
}

resource "litellm_team" "t" {
  team_alias = "t"
  max_budget = -1 / 0
  tpm_limit  = -3
  rpm_limit  = 18446744073709551616
}

resource "litellm_team_member" "m" {
  team_id            = "t"
  user_id            = "u"
  role               = "user"
  max_budget_in_team = 1e309
}
