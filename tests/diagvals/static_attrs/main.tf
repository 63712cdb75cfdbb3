# What Terraform decodes without an evaluation context - descriptions, sensitive, nullable,
# lifecycle flags: no references, no function calls, a value of the type (recorded from
# Terraform 1.11.4, validate -json byte for byte).
variable "x" {
  default = "a"
}
output "a" {
  value       = 1
  description = var.x
}
output "b" {
  value       = 1
  description = upper("x")
}
output "c" {
  value       = 1
  description = "n ${var.x}"
}
output "d" {
  value       = 1
  description = 5
}
variable "x2" {
  default     = "a"
  description = upper("x")
}
variable "y2" {
  default   = "a"
  sensitive = var.x == "a"
}
output "e2" {
  value       = 1
  description = [1]
}
output "f2" {
  value     = 1
  sensitive = true && var.x == "a"
}
resource "litellm_user" "l" {
  user_email = "l@example.com"
  lifecycle {
    prevent_destroy = var.x == "a"
  }
}
