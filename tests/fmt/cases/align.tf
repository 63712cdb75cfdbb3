a=1
bbb = 2
  cc=3

d = 4
eeeee = {
  x=1
  yyy=2
}
f = 6
