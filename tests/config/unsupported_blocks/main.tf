resource "litellm_key" "t" {}

data "litellm_key" "y" {}

module "m" {
  source = "./m"
}

ressource "litellm_user" "z" {}

name = "top-level"

resource "litellm_user" {
  user_email = "a@example.com"
}

resource "litellm_user" "1bad" {
  user_email = "a@example.com"
}
