a = "from-tfvars"
c = ["x"]
d = {
  alice = { email = "alice@example.com" }
}
undeclared = 1
