a = "%{foo}"
