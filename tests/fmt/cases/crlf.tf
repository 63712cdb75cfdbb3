a = 1
bbb = 2 # c

blk {
  x = 1
}
