variable "n" { type = number }
variable "m" {
  type = string
  validation {
    condition     = length(var.m) > 3
    error_message = "too short"
  }
}
output "o" { value = var.n + 1 }
