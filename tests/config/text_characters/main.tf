# Characters that have no place in an id, an email address or an alias are refused,
# naming the character and where it is.
resource "litellm_user" "ok" {
  user_email = "ok@example.com"
  user_alias = "José ‏שלום‎ 👩‍💻"
}

resource "litellm_user" "nul" {
  user_email = "nul\u0000@example.com"
}

resource "litellm_user" "bidi" {
  user_email = "evil\u202Emoc.elpmaxe@example.com"
}

resource "litellm_user" "invisible" {
  user_email = "zero\u200Bwidth@example.com"
}

resource "litellm_user" "bell" {
  user_email = "bell@example.com"
  user_alias = "ring\u0007"
}

resource "litellm_user" "alias_override" {
  user_email = "alias@example.com"
  user_alias = "admin\u202E"
}

resource "litellm_user" "alias_newline" {
  user_email = "newline@example.com"
  user_alias = <<-EOT
    two
    lines
  EOT
}

resource "litellm_user" "id" {
  user_email = "id@example.com"
  user_id    = "u\u0085x"
}

resource "litellm_team" "t" {
  team_alias = "team\u2066x\u2069"
  team_id    = "t\uFEFF"
}

resource "litellm_team_member" "m" {
  team_id = "t1"
  user_id = "u\u200D"
  role    = "user"
}

resource "litellm_user" "models" {
  user_email = "models@example.com"
  models     = ["gpt-4", "gpt\u00004"]
}
