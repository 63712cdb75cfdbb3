y = { for = 1 }
