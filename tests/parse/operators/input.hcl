a = 1 + 2 * 3 - 4 / 5 % 6
b = !a && b || c
c = a == b != c
d = a < b && c <= d && e > f && g >= h
e = -a * -2
f = a ? b : c ? d : e
g = (1 + 2) * 3
h = a || b && c == d < e + f * -g
