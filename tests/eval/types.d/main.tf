variable "a" {
  type    = map(number)
  default = { x = "1", y = 2 }
}
variable "b" {
  type    = set(string)
  default = ["b", "a", "b"]
}
variable "c" {
  type = list(object({
    name  = string
    tags  = optional(list(string), [])
    admin = optional(bool)
  }))
  default = [{ name = "x" }, { name = "y", admin = true }]
}
variable "d" {
  type    = tuple([string, number])
  default = ["a", "2"]
}
variable "e" {
  type    = any
  default = { a = [1, "x"] }
}
variable "f" {
  type    = map(any)
  default = { a = 1, b = "x" }
}
variable "g" {
  type     = string
  default  = null
}
variable "h" {
  type = object({ inner = optional(object({ v = optional(number, 7) }), {}) })
  default = {}
}
