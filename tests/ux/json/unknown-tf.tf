resource "terraform_data" "dev" {
  for_each = toset(["alice", "bob"])
  input    = each.key
}
output "ids" { value = { for k, u in terraform_data.dev : k => u.id } }
output "splat" { value = [for u in terraform_data.dev : u.id] }
output "obj" { value = { a = terraform_data.dev["alice"].id, b = "x", c = [terraform_data.dev["bob"].id, "y"] } }
output "known" { value = "k" }
