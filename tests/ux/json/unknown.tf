resource "litellm_user" "dev" {
  for_each   = toset(["alice", "bob"])
  user_email = "${each.key}@unknown.example"
}
output "ids" { value = { for k, u in litellm_user.dev : k => u.user_id } }
output "splat" { value = [for u in litellm_user.dev : u.user_id] }
output "obj" { value = { a = litellm_user.dev["alice"].user_id, b = "x", c = [litellm_user.dev["bob"].user_id, "y"] } }
output "known" { value = "k" }
