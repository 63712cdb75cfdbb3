merge(
  var.a,
  var.b
)
