variable "name" {
  default = "world"
}

variable "num" {
  type    = number
  default = "3"
}

variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}

variable "list" {
  type    = list(string)
  default = ["a", "b"]
}

variable "obj" {
  type = object({
    a = string
    b = optional(number, 5)
  })
  default = { a = "x" }
}

locals {
  greeting = "hello ${var.name}"
  chain    = local.greeting
  shout    = upper(local.chain)
}

resource "litellm_user" "one" {
  user_email = "one@example.com"
}

resource "litellm_user" "many" {
  count      = 2
  user_email = "m${count.index}@example.com"
}

resource "litellm_user" "each" {
  for_each   = toset(["a", "b"])
  user_email = "${each.key}@example.com"
}
