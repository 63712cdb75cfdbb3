# -recursive descends into subdirectories, except hidden ones.
. "$CLI/setup.inc"
$FMT -recursive -write=false; echo "rc=$?"
$FMT -recursive -write=false deep; echo "rc=$?"
$FMT -write=false deep; echo "rc=$?"
