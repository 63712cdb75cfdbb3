team = "backend"

users = {
  alice = {
    email      = "alice@example.com"
    role       = "admin"
    max_budget = 50
  }
  bob = {
    email  = "bob@example.com"
    models = ["gpt-4o", "gpt-4o-mini"]
  }
}
