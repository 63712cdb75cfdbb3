resource "litellm_user" "a" {
  user_email = "a@example.com"
  user_id    = "same"
}

resource "litellm_user" "b" {
  user_email = "b@example.com"
  user_id    = "same"
}

# case matters for ids: these two are different users
resource "litellm_user" "c" {
  user_email = "c@example.com"
  user_id    = "Same"
}

resource "litellm_user" "counted" {
  count      = 2
  user_email = "n${count.index}@example.com"
  user_id    = "fixed"
}

resource "litellm_user" "each" {
  for_each   = toset(["X", "x"])
  user_email = "${each.key == "X" ? "upper" : "lower"}@example.com"
  user_id    = lower(each.key)
}

resource "litellm_team" "t1" {
  team_alias = "one"
  team_id    = "team-1"
}

resource "litellm_team" "t2" {
  team_alias = "two"
  team_id    = "team-1"
}

resource "litellm_team" "tc" {
  count      = 2
  team_alias = "c${count.index}"
  team_id    = "team-c"
}

resource "litellm_team_member" "m1" {
  team_id = "team-x"
  user_id = "user-1"
  role    = "user"
}

resource "litellm_team_member" "m2" {
  team_id = "team-x"
  user_id = "user-1"
  role    = "admin"
}

# another team, or another user: no conflict
resource "litellm_team_member" "m3" {
  team_id = "team-y"
  user_id = "user-1"
  role    = "user"
}

resource "litellm_team_member" "by_email" {
  for_each   = toset(["Dev@Example.com", "dev@example.com"])
  team_id    = "team-x"
  user_email = each.key
  role       = "user"
}
