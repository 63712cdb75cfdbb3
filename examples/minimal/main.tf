# The smallest configuration: one user, everything else left to the server.
resource "litellm_user" "basic" {
  user_email = "user@example.com"
}
