a = 1 # one
bbb = 2 // two
# lone
ccc = 3 /* three */
d = [ # c
  1, # x
  22, # yy
]
/* block
   comment */
b {
    # inner
  x = 1   # y
}
