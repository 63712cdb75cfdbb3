# -list=false -write=false prints every file's formatted text.
. "$CLI/setup.inc"
$FMT -list=false -write=false; echo "rc=$?"
$FMT -list=false -write=false ugly.tf noeol.tf | od -c; echo "rc=$?"
