resource "litellm_user" "a" {
  user_email = "a@example.com"
}

import {
  to = litellm_user.a
  id = "user-123"
}

import {
  to = litellm_user.missing
  id = "user-456"
}

import {
  to = "litellm_user.a"
  id = "x"
}

import {
  to = litellm_user.a
}
