# Terraform's snippet.function_call in JSON diagnostics (validate -json, plan -json): the
# function as called and its signature, as recorded from Terraform 1.11.4 (validate -json
# of the same outputs; its diagnostics come in another order); "Too many function
# arguments" points at the first argument too many.
output "a" {
  value = join(",", "notalist")
}
output "b" {
  value = upper(1, 2)
}
output "c" {
  value = cidrsubnet("10.0.0.0/8", 100, 1)
}
output "d" {
  value = tolist(5)
}
output "e" {
  value = merge({a = 1}, "x")
}
output "f" {
  value = format("%d", "x")
}
