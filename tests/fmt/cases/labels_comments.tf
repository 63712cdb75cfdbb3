resource /* a */ "x" /* b */ "y" /* c */ {
}
