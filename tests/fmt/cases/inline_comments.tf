a = /* x */ 1
b /* y */ = 2
c = [1, /* z */ 2]
d = f(/* w */)
/* standalone */
e = 3 /* trailing */
ff = 4 /* t2 */
