variable "email" {
  default   = "not-an-email"
  sensitive = true
}

variable "dup" {
  default   = "same@example.com"
  sensitive = true
}

resource "litellm_user" "a" {
  user_email = var.email
}

resource "litellm_user" "b" {
  user_email = var.dup
}

resource "litellm_user" "c" {
  user_email = upper(var.dup)
}

output "email" {
  value = litellm_user.b.user_email
}

output "secret" {
  value = var.dup
}
