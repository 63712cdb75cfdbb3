# Failed conditions show the values their condition uses (recorded from Terraform
# 1.11.4 with litellm_user -> terraform_data, user_email -> input); -var which=NAME
# picks the condition that fails.
variable "which" {
  type = string
}
variable "l" {
  type    = list(string)
  default = ["a", "b"]
}
variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
locals {
  flag = true
  m    = { a = 1, b = 2 }
}
resource "litellm_user" "p" {
  user_email = "p@example.com"
  lifecycle {
    precondition {
      condition     = var.which != "p" || length(var.l) > 3 && var.secret != "" && local.flag
      error_message = "need more than 3, got ${length(var.l)}."
    }
  }
}
resource "litellm_user" "e" {
  for_each   = local.m
  user_email = "${each.key}@example.com"
  lifecycle {
    precondition {
      condition     = var.which != "e" || each.value > 1 || each.key == "x"
      error_message = "too small."
    }
  }
}
check "c" {
  assert {
    condition     = var.which != "c" || length(local.m) > 5
    error_message = "few."
  }
}
output "o" {
  value = 1
  precondition {
    condition     = var.which != "o" || local.m["a"] == 2
    error_message = "not two."
  }
}
