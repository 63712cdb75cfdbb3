# A constant mistake in a resource with many instances is reported once; a mistake
# that depends on the instance is reported for each instance it affects.
resource "litellm_user" "team" {
  for_each   = toset(["a", "b", "c"])
  user_email = "${each.key}@example.com"
  user_role  = "boss"
  max_budget = each.key == "b" ? -1 : 10
  rpm_limit  = each.key == "a" ? 1 : -each.value
}
