variable "v" {}
variable "v" {}

locals {
  l = 1
}

locals {
  l = 2
}

output "o" {
  value = 1
}

output "o" {
  value = 2
}

resource "litellm_user" "r" {
  user_email = "r@example.com"
}

resource "litellm_user" "r" {
  user_email = "r2@example.com"
}
