# -diff: the unified diff with old/ and new/ labels.
. "$CLI/setup.inc"
$FMT -diff -write=false; echo "rc=$?"
$FMT -diff -list=false noeol.tf; echo "rc=$?"
cat noeol.tf
