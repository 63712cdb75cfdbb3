# Values that outlive the evaluation that made them (tests/suites/scratch.sh): every
# intermediate value of these expressions lives in a scratch arena freed as soon as
# the local, instance, condition or output is done; only the results are copied out.
variable "n" {
  type    = number
  default = 3
}

locals {
  base = { for i in range(var.n) : format("k%d", i) => {
    email  = "u${i}@scratch.example"
    tags   = [for j in range(i + 1) : "t${j}"]
    budget = i * 1.5
  } }
  big    = 1e400 / 3
  nested = flatten([for k, v in local.base : [for t in v.tags : "${k}-${t}"]])
  again  = { for k, v in local.base : upper(k) => merge(v, { n = length(v.tags), exact = local.big }) }
  chain  = [for s in local.nested : { s = s, u = upper(s), parts = split("-", s) }]
  names  = toset([for c in local.chain : c.parts[0]])
}

resource "litellm_user" "u" {
  # a map computed in place (not a local): each.value lives only in the expansion
  for_each   = { for k, v in local.base : "${k}x" => merge(v, { key = k }) if v.budget < 100 }
  user_id    = "scratch-${each.key}"
  user_email = each.value.email
  user_alias = join("/", [for t in each.value.tags : "${each.value.key}:${t}"])
  max_budget = each.value.budget
  models     = [for t in each.value.tags : "m-${t}"]
  metadata   = { tags = join(",", each.value.tags), key = each.key, big = tostring(local.big) }

  lifecycle {
    precondition {
      condition     = length(each.value.tags) < 3
      error_message = "${each.key} has ${length(each.value.tags)} tags: ${join(",", [for t in each.value.tags : upper(t)])}"
    }
    postcondition {
      condition     = self.user_email == each.value.email
      error_message = "email of ${each.key} is ${self.user_email}, not ${each.value.email}"
    }
  }
}

resource "litellm_user" "c" {
  count      = length(local.names)
  user_email = "c${count.index}@${sort(local.names)[count.index]}.example"
  user_alias = format("%s-%d", local.chain[count.index].u, count.index)
}

check "emails" {
  assert {
    condition     = alltrue([for k, v in litellm_user.u : endswith(v.user_email, ".example")])
    error_message = "bad emails: ${join(",", local.nested)}"
  }
  assert {
    condition     = length(local.nested) > 100
    error_message = "only ${length(local.nested)} nested values: ${join(" ", [for c in local.chain : c.u])}"
  }
}

output "nested" {
  value = local.nested
}

output "again" {
  value = local.again
}

output "emails" {
  value = { for k, v in litellm_user.u : k => upper(v.user_email) }
}

output "chain" {
  value       = [for c in local.chain : c.parts]
  description = "parts of the chain\u0027s values"

  precondition {
    condition     = length(local.chain) > 0
    error_message = "no chain: ${jsonencode(local.chain)}"
  }
}

# Instances of several blocks share identical argument values (and object types):
# a value differing only by its sensitive mark, or a number's representation, is not
# identical and must not be shared.
variable "secret" {
  type      = string
  default   = "same"
  sensitive = true
}

resource "litellm_user" "s1" {
  user_email = "s1@scratch.example"
  user_alias = "same"
  max_budget = 1
  models     = ["a", "b"]
}

resource "litellm_user" "s2" {
  user_email = "s2@scratch.example"
  user_alias = var.secret
  max_budget = 1.0
  models     = ["a", "b"]
}

resource "litellm_user" "s3" {
  user_email = "s3@scratch.example"
  user_alias = "same"
  max_budget = 1.5
  models     = toset(["b", "a"])
}
