# A snippet of several lines never shows the key: the lines of an api_key value
# after its first are masked whole (a heredoc's body, a list's items).
provider "litellm" {
  api_base = "http://127.0.0.1:1"
  api_key = [
    "sk-very-secret",
    2
  ]
}
