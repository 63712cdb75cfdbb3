# A key is never printed: an error on a line that sets api_key gets no values (its
# snippet is masked too), even when the variable holding it is not marked sensitive.
variable "k" {
  type    = string
  default = "sk-do-not-print-1234"
}
provider "litellm" {
  api_key = var.k + 1
}
resource "litellm_user" "u" {
  user_email = "u@example.com"
}
