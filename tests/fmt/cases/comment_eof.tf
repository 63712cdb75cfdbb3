a = 1
# last comment without newline