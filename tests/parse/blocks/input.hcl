empty {}
bare {
}
one_line { a = 1 }
labelled "x" "y" {
  nested bare_label "q" {
    deep = 1
  }
}
