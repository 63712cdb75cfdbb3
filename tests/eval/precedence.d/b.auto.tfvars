auto_order = "b.auto.tfvars"
