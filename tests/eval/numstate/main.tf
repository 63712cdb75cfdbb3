variable "big" {
  type    = number
  default = 12345678901234567891
}
output "a" { value = var.big }
output "b" { value = 10/3 }
output "c" { value = [0.1, 1e400, 12345678901234567891.5] }
output "d" { value = var.big + 1 }
