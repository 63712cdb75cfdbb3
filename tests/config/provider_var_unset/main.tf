# validate must pass without the secrets a CI step does not have (Terraform does):
# the provider's api_key and api_base come from variables without a value
variable "litellm_api_key" {
  type      = string
  sensitive = true
}
variable "litellm_api_base" { type = string }
provider "litellm" {
  api_key  = var.litellm_api_key
  api_base = var.litellm_api_base
}
resource "litellm_user" "a" {
  user_email = "a@example.com"
}
