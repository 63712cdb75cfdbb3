# "-" reads standard input: the formatted text, or the diff; never lists or writes.
printf 'a=1\nbb = 2' | $FMT -; echo "rc=$?"
printf '' | $FMT - | od -c; echo "rc=$?"
printf 'a=1\n' | $FMT -diff -; echo "rc=$?"
printf 'a=1\n' | $FMT -check -; echo "rc=$?"
printf 'a = 1\n' | $FMT -check -; echo "rc=$?"
printf 'a = 1\n' | $FMT -list=true -write=true -; echo "rc=$?"
printf 'a=1\n' | $FMT - ignored.tf; echo "rc=$?"
printf 'a=\n' | $FMT -; echo "rc=$?"
