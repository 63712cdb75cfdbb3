# -check: 3 when something would change (listing it unless -list=false), 0 when not.
. "$CLI/setup.inc"
$FMT -check; echo "rc=$?"
$FMT -check -list=false; echo "rc=$?"
$FMT -check good.tf; echo "rc=$?"
$FMT -check -diff ugly.tf; echo "rc=$?"
cat ugly.tf
