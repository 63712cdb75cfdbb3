# a typo in a resource type and in a data source type, and a data block of a
# type that only exists as a resource: Terraform 1.11's texts (recorded with
# terraform_data: "Did you mean", "Did you intend to use the managed resource type")
resource "litellm_usr" "a" {
  user_email = "a@typo.example"
}
data "litellm_tem" "t" {
  team_alias = "x"
}
data "litellm_team_member" "m" {
}
