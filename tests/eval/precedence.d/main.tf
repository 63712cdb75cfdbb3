variable "from_env" {
  default = "default"
}

variable "env_vs_tfvars" {
  default = "default"
}

variable "tfvars_vs_auto" {
  type    = number
  default = 0
}

variable "auto_order" {
  default = "default"
}

variable "cli_order" {
  default = "default"
}

variable "list_from_env" {
  type    = list(string)
  default = []
}

variable "defaulted" {
  default = "default"
}
