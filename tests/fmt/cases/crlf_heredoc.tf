a = <<EOT
line
EOT
bb = 1 # x
c = 2 # y
