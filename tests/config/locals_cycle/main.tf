locals {
  a = local.b
  b = local.c
  c = local.a
  ok = 1
}

output "ok" {
  value = local.ok
}
