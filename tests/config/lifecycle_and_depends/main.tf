resource "litellm_user" "a" {
  user_email = "a@example.com"
  lifecycle {
    prevent_destroy       = true
    create_before_destroy = true
    ignore_changes        = [user_alias, nope, metadata]
    ignore_change         = []
  }
}

resource "litellm_user" "b" {
  user_email = "b@example.com"
  depends_on = [litellm_user.a, litellm_user.nope, var.x]
  provisioner "local-exec" {}
}

resource "litellm_user" "c" {
  user_email = "c@example.com"
  lifecycle {
    ignore_changes = all
  }
}
