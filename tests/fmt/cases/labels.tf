resource aws_instance foo {
}
resource "a" /* c */ "b" {}
resource /* d */ "a" "b" /* e */ {}
resource "a\u0041" "\n\t" {}
resource "x$y" "z" {}
resource "p%q" "r" {}
resource "$" "s" {}
resource "$${a}" "t" {}
resource "" "u" {}
