resource "a" "b" {
}
module "m" {
  source = "./x"
}
resource "a\"q" "\\" {}
resource " nbsp" "x" {}
locals {
}
resource "日本" "x" {}
blk a "b" c {}
