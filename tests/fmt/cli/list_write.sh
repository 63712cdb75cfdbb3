# The default run: lists and rewrites the files of the directory that change.
. "$CLI/setup.inc"
$FMT; echo "rc=$?"
for f in good.tf ugly.tf noeol.tf vars.tfvars t.tftest.hcl m.tfmock.hcl sub/s.tf; do echo "== $f"; od -c "$f"; done
$FMT; echo "second run rc=$?"
