a = provider::terraform::encode_tfvars({a = 1})
b = core::try(var.x, 1)
