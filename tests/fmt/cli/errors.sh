# Errors: exit 2; a file with syntax errors is left unchanged while the others are
# still processed; a missing path stops the run; unknown extensions are refused.
. "$CLI/setup.inc"
printf 'a=\n' > bad.tf
$FMT; echo "rc=$?"
od -c bad.tf
printf 'a=1\n' > ugly.tf
$FMT nothere ugly.tf; echo "rc=$?"
cat ugly.tf
$FMT q.hcl ugly.tf; echo "rc=$?"
$FMT j.tf.json; echo "rc=$?"
$FMT -check bad.tf ugly.tf; echo "rc=$?"
$FMT -no-such-flag; echo "rc=$?"
