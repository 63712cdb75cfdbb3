output "o" {
  value "x"
}
