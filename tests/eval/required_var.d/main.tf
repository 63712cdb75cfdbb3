variable "needed" {
  type = string
}

variable "not_null" {
  type     = string
  nullable = false
}
