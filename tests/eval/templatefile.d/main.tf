locals {
  users = ["alice", "bob"]
}
