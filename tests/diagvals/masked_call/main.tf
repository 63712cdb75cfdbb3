# A key is never printed, not even quoted in a function's message: tonumber says what
# it could not convert, and on a line that sets api_key that is masked as the line is.
variable "k" {
  type    = string
  default = "sk-do-not-print-5678"
}
provider "litellm" {
  api_key = tonumber(var.k)
}
resource "litellm_user" "u" {
  user_email = "u@example.com"
}
