variable "a" {
  type = string
}

variable "b" {
  type    = number
  default = 1
}

variable "c" {
  type = list(string)
}

variable "d" {
  type = map(object({
    email = string
    role  = optional(string, "user")
  }))
}

variable "e" {
  type     = string
  nullable = false
  default  = "dflt"
}

resource "litellm_user" "u" {
  for_each   = var.d
  user_email = each.value.email
  user_role  = each.value.role
  user_alias = "${var.a}-${var.b}-${join(",", var.c)}-${var.e}"
}

output "summary" {
  value = "${var.a} ${var.b} ${length(var.c)} ${length(var.d)}"
}
