# hash
// slash
/* block
   comment */ a = 1 # trailing
b = /* inline */ 2 // trailing
/**/c = 3
