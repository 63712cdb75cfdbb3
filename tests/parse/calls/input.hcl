a = f()
b = f(1)
c = f(1, 2,)
d = f(x...)
e = f(1, [2, 3]...)
g = provider::p::func(1)
h = upper(lower("X"))
i = f(
  1,
  2
)
