# A diagnostic Terraform marks as caused by sensitive or unknown values describes
# them (recorded from Terraform 1.11.4: litellm_user -> terraform_data, user_email ->
# input, user_id -> id).  What is known only after apply has its attribute's type
# ("is a string, known only after apply"), as Terraform's planned objects have
# theirs.
resource "litellm_user" "a" {
  user_email = "a@example.com"
}
resource "litellm_user" "m" {
  for_each   = { (litellm_user.a.user_id) = 1 }
  user_email = "${each.key}@example.com"
}
