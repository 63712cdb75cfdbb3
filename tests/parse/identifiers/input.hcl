with-dash = 1
_leading = 2
ünïcödé = 3
名前 = 4
a1_-b = 5
x·y = 1
℘ = 2
