cli_order = "file"
