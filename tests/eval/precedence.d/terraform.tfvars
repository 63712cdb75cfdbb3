env_vs_tfvars  = "tfvars"
tfvars_vs_auto = 1
