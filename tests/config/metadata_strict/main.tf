# metadata must be exactly one JSON object: the error says what is wrong and where.
resource "litellm_user" "ok" {
  user_email = "ok@example.com"
  metadata   = <<-EOT
    {"team": "backend", "tags": ["a", "a"], "nested": {"k": 1}}
  EOT
}

resource "litellm_user" "dup" {
  user_email = "dup@example.com"
  metadata   = "{\"a\": 1, \"b\": 2, \"a\": 3}"
}

resource "litellm_user" "nested_dup" {
  user_email = "nested@example.com"
  metadata   = "{\"x\": {\"list\": [{\"k\": 1, \"k\": 2}]}}"
}

resource "litellm_user" "trailing" {
  user_email = "trailing@example.com"
  metadata   = "{\"a\": 1} and more"
}

resource "litellm_user" "two_objects" {
  user_email = "two@example.com"
  metadata   = "{\"a\": 1}{\"b\": 2}"
}

resource "litellm_user" "nul" {
  user_email = "nul@example.com"
  metadata   = "{\"a\": \"x\\u0000y\"}"
}

resource "litellm_user" "broken" {
  user_email = "broken@example.com"
  metadata   = "{\"a\": }"
}

resource "litellm_user" "cut" {
  user_email = "cut@example.com"
  metadata   = "{\"a\": [1, 2"
}

resource "litellm_user" "inf" {
  user_email = "inf@example.com"
  metadata   = "{\"a\": {\"b\": 1e400}}"
}

resource "litellm_user" "array" {
  user_email = "array@example.com"
  metadata   = "[1, 2]"
}

resource "litellm_team" "t" {
  team_alias = "t"
  metadata   = "{\"é\": 1, \"é\": 2}"
}
