output "e_gone" { value = "3" }
