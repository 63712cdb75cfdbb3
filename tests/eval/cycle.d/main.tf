locals {
  a = local.b
  b = local.a
  c = 1
}
