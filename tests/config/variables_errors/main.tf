variable "n" {
  type = number
}

variable "count" {}

variable "bad_default" {
  type    = number
  default = "abc"
}

variable "bad_type" {
  type = lisst(string)
}

variable "strict" {
  type     = string
  nullable = false
}

variable "checked" {
  type    = string
  default = "x"

  validation {
    condition     = length(var.checked) > 3
    error_message = "The value must be longer than 3 characters."
  }
}

variable "odd" {
  typ = string
}
