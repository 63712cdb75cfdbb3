# one
// two
/* three */
