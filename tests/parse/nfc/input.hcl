a = "año"
b = "x${y}año"
c = {"año" = 1}
d = <<EOT
año
EOT
