# Paths are shown relative to the working directory.
. "$CLI/setup.inc"
$FMT -write=false "$PWD/ugly.tf" ./ugly.tf sub/../ugly.tf "$PWD"; echo "rc=$?"
cd sub && $FMT -write=false .. ../ugly.tf; echo "rc=$?"
$FMT -write=false ../sub//; echo "rc=$?"
