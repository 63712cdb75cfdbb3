terraform {
  required_version = ">= 1.5, < 2.0"
}

terraform {
  required_version = "~> 1.10.0"
}

terraform {
  required_version = "bogus"
}

terraform {
  required_version = "~> 1.12-beta"
}

terraform {
  required_version = "~> 1.11"
}
