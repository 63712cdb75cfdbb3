variable "big" { type = number }
variable "frac" { type = number }
variable "list" { type = list(number) }
variable "any" {}
variable "str" { type = number }
variable "cli" { type = number }
