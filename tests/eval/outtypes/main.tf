output "l" { value = tolist(["a", "b"]) }
output "m" { value = tomap({a = 1}) }
output "s" { value = toset(["x"]) }
output "n" { value = null }
output "o" { value = {a = tolist([1])} }
output "t" { value = ["a", 1] }
output "e" { value = tolist([]) }
