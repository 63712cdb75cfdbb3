# An administrator without a budget limit.
resource "litellm_user" "admin" {
  user_email = "admin@company.com"
  user_alias = "system-admin"
  user_role  = "admin"
  max_budget = 0 # Unlimited for admin
}
