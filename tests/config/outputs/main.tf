variable "key" {
  default   = "secret"
  sensitive = true
}

output "leak" {
  value = var.key
}

output "fine" {
  value     = var.key
  sensitive = true
}

output "missing" {
  description = "no value"
}

output "bad_dep" {
  value      = 1
  depends_on = [litellm_user.nope]
}

output "bad_arg" {
  value = 1
  sensitiv = true
}
