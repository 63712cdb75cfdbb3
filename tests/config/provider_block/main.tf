terraform {
  required_providers {
    litellm = {
      source  = "ncecere/litellm"
      version = "~> 0.3"
    }
  }
}

provider "litellm" {
  api_base             = "http://127.0.0.1:4000"
  api_key              = "sk-1234"
  insecure_skip_verify = "maybe"
  timeout              = -3
  api_bse              = "x"
}

provider "openai" {}
