# Configurations written for the public LiteLLM provider keep working: native role
# names, native durations, metadata as a map.
resource "litellm_user" "native" {
  user_id         = "test-user-full"
  user_email      = "native@example.com"
  user_role       = "internal_user"
  budget_duration = "30d"
  metadata = {
    "department" = "engineering"
    team         = "backend"
  }
}

resource "litellm_user" "nested_map" {
  user_email = "nested@example.com"
  metadata   = { nested = { a = 1 }, list = [1, 2] }
}

resource "litellm_user" "not_object" {
  user_email = "no@example.com"
  metadata   = [1, 2]
}

output "metadata" {
  value = litellm_user.native.metadata
}
