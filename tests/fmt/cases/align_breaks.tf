a = 1
bb = 2
# comment breaks
ccc = 3
dddd = 4

eeeee = 5
f {
}
gggggg = 6
h = [
  1
]
i = 7
jjjjjjjj = "${x}"
