# A list missing a comma and an unclosed parenthesis: the snippet runs from the
# opening bracket (Terraform 1.11 `validate -no-color` output, byte for byte).
locals {
  list = [
    "a"
    "b",
  ]
}

output "x" {
  value = (1 +
    2
}
