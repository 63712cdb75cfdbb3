resource "litellm_user" "a" {
  user_emial      = "x@y.com"
  user_role       = "boss"
  max_budget      = -1
  tpm_limit       = 1.5
  rpm_limit       = "abc"
  budget_duration = "2x"
  metadata        = "[1]"
  id              = "x"
}

resource "litellm_user" "b" {
  user_email = "not-an-email"
  models     = "gpt"
}

resource "litellm_user" "c" {
  user_email = "ok@example.com"
  rpm_limit  = -5
  metadata   = "not json"
  user_role  = null
}
