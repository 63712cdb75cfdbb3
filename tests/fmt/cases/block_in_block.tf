terraform {
required_providers {
litellm = {
source = "x/litellm"
version = ">= 1.0"
}
}
}
