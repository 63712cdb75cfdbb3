team = "backend"

users = {
  alice = {
    email      = "alice@backend.example.com"
    role       = "admin"
    max_budget = 50
  }
  bob = {
    email  = "bob@backend.example.com"
    models = ["gpt-4o", "gpt-4o-mini"]
  }
}
