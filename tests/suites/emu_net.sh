#!/bin/sh
# emu_net.sh - the emulator's realistic network and its indexes: --tls (certificate made
# with openssl), per-request / per-connection / per-write latency, the request counters
# (/__emu/stats, "conn"/"new_conn" in the log), pages and id lookups answered from
# indexes (same rows as a scan would give), and the memory a large store costs.
. "$TOP/tests/lib.sh"
. "$TOP/tests/emu/calls.sh"
trap 'emu_stop' EXIT
trap 'exit 1' INT TERM HUP PIPE

# ms_of CURL-TIME: seconds with a fraction -> whole ms
ms_of() { awk -v t="$1" 'BEGIN { printf "%d", t * 1000 }'; }

# ---------------------------------------------------------------- --tls
if command -v openssl >/dev/null 2>&1; then
	TLS="$WORK/tls"
	emu_start --master-key "$MK" --tls "$TLS"
	port=$(cat "$EMU_PORTFILE")
	EMU_URL="https://127.0.0.1:$port"
	[ -s "$TLS/cert.pem" ] && [ -s "$TLS/key.pem" ] && ok "--tls makes a certificate" || fail "--tls makes a certificate" "$(ls -la "$TLS" 2>&1)"
	openssl x509 -in "$TLS/cert.pem" -noout -ext subjectAltName 2>/dev/null | grep -q 'IP Address:127.0.0.1' &&
		ok "certificate names 127.0.0.1" || fail "certificate names 127.0.0.1"
	call GET "/user/info?user_id=default_user_id" "" --cacert "$TLS/cert.pem"
	expect "HTTPS answer, certificate verified" 200 '.user_id=="default_user_id"'
	call GET "/user/info?user_id=default_user_id"
	[ "$ST" = 000 ] && [ "$CE" = 60 ] && ok "unknown CA refused by the client" || fail "unknown CA refused" "$ST curl $CE"
	ST=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/liveliness"); CE=$?
	[ "$CE" != 0 ] && ok "plain HTTP on the TLS port fails" || fail "plain HTTP on the TLS port fails" "$ST"
	sum1=$(md5sum <"$TLS/cert.pem")
	emu_stop
	emu_start --master-key "$MK" --tls "$TLS"
	[ "$(md5sum <"$TLS/cert.pem")" = "$sum1" ] && ok "--tls reuses an existing certificate" || fail "--tls reuses the certificate"
	EMU_URL="https://127.0.0.1:$(cat "$EMU_PORTFILE")"
	call POST /user/new '{"user_id":"tls-user","auto_create_key":false}' --cacert "$TLS/cert.pem"
	expect "writes over TLS" 200 '.user_id=="tls-user"'
	emu_stop
	mkdir -p "$WORK/ro" && chmod 500 "$WORK/ro"
	if [ "$(id -u)" != 0 ]; then
		"$EMU" --port 0 --tls "$WORK/ro/tls" >"$WORK/tls.out" 2>&1; rc=$?
		[ $rc = 1 ] && grep -q 'tls' "$WORK/tls.out" && ok "--tls in an unwritable place refused" || fail "--tls unwritable" "rc $rc $(cat "$WORK/tls.out")"
	fi
	mkdir -p "$WORK/badtls"
	printf 'not a certificate\n' >"$WORK/badtls/cert.pem"
	printf 'not a key\n' >"$WORK/badtls/key.pem"
	"$EMU" --port 0 --tls "$WORK/badtls" >"$WORK/tls.out" 2>&1; rc=$?
	[ $rc = 1 ] && ok "--tls with a broken certificate refused at start" || fail "--tls broken certificate" "rc $rc $(cat "$WORK/tls.out")"
else
	ok "--tls skipped: no openssl command"
fi

# ---------------------------------------------------------------- latencies
emu_start --master-key "$MK" --latency-ms 40 --conn-latency-ms 150 --write-latency-ms 100
out=$(curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $MK" \
	"$EMU_URL/user/info?user_id=default_user_id" "$EMU_URL/user/info?user_id=default_user_id" \
	"$EMU_URL/health/liveliness")
first=$(ms_of "$(echo "$out" | sed -n 1p)"); second=$(ms_of "$(echo "$out" | sed -n 2p)")
[ "$first" -ge 185 ] && [ "$second" -ge 38 ] && [ "$second" -lt 150 ] &&
	ok "first answer on a connection pays conn+request latency ($first ms), a reused one only the request's ($second ms)" ||
	fail "connection latency" "first $first ms, second $second ms"
out=$(curl -s -o /dev/null -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' \
	"$EMU_URL/health/liveliness" -d '{"user_id":"w1","auto_create_key":false}' "$EMU_URL/user/new")
w=$(ms_of "$(echo "$out" | sed -n 2p)")
[ "$w" -ge 138 ] && ok "a write pays the write latency too ($w ms)" || fail "write latency" "$w ms"
admin config '{"latency_ms":0,"conn_latency_ms":0,"write_latency_ms":0}'
expect "latencies changed at runtime" 200 '.latency_ms==0 and .conn_latency_ms==0 and .write_latency_ms==0 and .tls==false'
t=$(ms_of "$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $MK" "$EMU_URL/user/info?user_id=w1")")
[ "$t" -lt 140 ] && ok "no latency once set to 0 ($t ms)" || fail "latency off" "$t ms"
admin config '{"latency_ms":-1}'
expect "negative latency refused" 400
admin faults '{"path":"/user/info","kind":"latency","ms":120}'
admin config '{"latency_ms":60}'
t=$(ms_of "$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $MK" "$EMU_URL/user/info?user_id=w1")")
[ "$t" -ge 175 ] && ok "a latency fault adds to the network latency ($t ms)" || fail "fault + latency" "$t ms"
emu_stop
"$EMU" --port 0 --latency-ms abc >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "bad --latency-ms refused" || fail "bad --latency-ms refused" "rc $rc"

# ---------------------------------------------------------------- counters
emu_start --master-key "$MK"
admin stats/reset
curl -s -o /dev/null -o /dev/null -o /dev/null -H "Authorization: Bearer $MK" \
	"$EMU_URL/user/info?user_id=default_user_id" "$EMU_URL/user/info?user_id=x" "$EMU_URL/user/list?page_size=1"
curl -s -o /dev/null -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' -d '{"user_id":"c1"}' "$EMU_URL/user/new"
call GET /__emu/stats
expect "stats: requests per route, writes, connections" 200 '.requests==4 and .writes==1 and .routes=={"GET /user/info":2,"GET /user/list":1,"POST /user/new":1} and .connections>=2'
conns=$(jq .connections "$B")
admin stats/reset
expect "stats/reset answers the counts before zeroing" 200 '.requests==4'
call GET /__emu/stats
expect "stats zeroed (control routes are not counted)" 200 '.requests==0 and .routes=={}'
sleep 0.1
tail -4 "$EMU_LOG" | jq -e -s '[.[].new_conn]==[true,null,null,true] and (.[0].conn==.[1].conn) and (.[0].conn!=.[3].conn)' >/dev/null &&
	ok "log: conn serial and new_conn" || fail "log: conn serial and new_conn" "$(tail -4 "$EMU_LOG")"
# faults on kept-alive connections only: a create committed, then its connection closed
admin faults '{"path":"/user/new","kind":"commit_close","conn":"reused"}'
expect "commit_close with conn=reused armed" 200 '.id>0'
call POST /user/new '{"user_id":"kc1","auto_create_key":false}'
expect "conn=reused: the first request on a connection is not faulted" 200 '.user_id=="kc1"'
out=$(curl -s -o /dev/null -w '%{http_code} ' "$EMU_URL/health/liveliness" --next -o /dev/null -w '%{http_code}' \
	-H "Authorization: Bearer $MK" -H 'Content-Type: application/json' -d '{"user_id":"kc2","auto_create_key":false}' "$EMU_URL/user/new" 2>&1)
call GET /__emu/faults
expect "conn=reused: the second request on a connection is faulted; commit_close = close after the work" 200 '.[0].fired==1 and .[0].seen==1 and .[0].after==true and .[0].conn=="reused" and .[0].kind=="close"'
call GET "/user/info?user_id=kc2"
expect "commit_close: the user was created, the answer never sent (curl's statuses: $out)" 200 '.user_info.user_id=="kc2"'
sleep 0.1
# (curl then sends the create again by itself on a new connection, answered 409: the
# silent repeat litehcl refuses for its creates)
grep '"/user/new".*"kc2"' "$EMU_LOG" | head -1 | jq -e '.path=="/user/new" and .status==0 and .fault=="close" and .route_status==200 and .new_conn==null' >/dev/null &&
	ok "log: the closed create, its route's 200" || fail "log: the closed create" "$(tail -3 "$EMU_LOG")"
admin faults/clear
admin faults '{"path":"/user/new","kind":"close","conn":"new"}'
call POST /user/new '{"user_id":"kc3","auto_create_key":false}'
[ "$CE" = 52 ] && ok "conn=new, close: no answer (curl 52)" || fail "conn=new, close" "$ST curl $CE"
call GET "/user/info?user_id=kc3"
expect "close without after: nothing created" 404
admin faults '{"kind":"close","conn":"old"}'
expect "an unknown conn refused" 400 '.detail|test("conn must be")'
emu_stop

# ---------------------------------------------------------------- indexes agree with a scan
SEED="$WORK/seed.json"
jq -n '{users:[range(0;3000)|{user_id:("ix-\(. * 7919 % 3000)"),user_email:("IX\(.)@example.com"),
	spend:(. % 7), user_alias:(if . % 5 == 0 then null else "a\(. % 11)" end),
	created_at:("2024-01-0\(1 + . % 3)T00:00:00.000000Z"), keys:(. % 2)}]}' >"$SEED"
emu_start --master-key "$MK" --seed "$SEED" --seed-random 3
call GET /__emu/dump
jq -c '[.users[]|{id:.user_id,spend,alias:.user_alias,created:.created_at}]' "$B" >"$WORK/all.json"
# every page of an order, concatenated
pages() {	# SORT ORDER -> ids one per line
	p=1; : >"$WORK/pages"
	while :; do
		curl -s -H "Authorization: Bearer $MK" "$EMU_URL/user/list?page=$p&page_size=100&sort_by=$1&sort_order=$2" >"$B"
		n=$(jq '.users|length' "$B"); [ "$n" = 0 ] && break
		jq -r '.users[].user_id' "$B" >>"$WORK/pages"; p=$((p + 1))
	done
	cat "$WORK/pages"
}
pages user_id asc >"$WORK/got"; jq -r '.[].id' "$WORK/all.json" | LC_ALL=C sort >"$WORK/want"
cmp -s "$WORK/got" "$WORK/want" && ok "pages by user_id asc = the sorted ids" || fail "pages by user_id asc" "$(diff "$WORK/want" "$WORK/got" | head -5)"
pages user_id desc >"$WORK/got"; LC_ALL=C sort -r "$WORK/want" >"$WORK/want.r"
cmp -s "$WORK/got" "$WORK/want.r" && ok "pages by user_id desc" || fail "pages by user_id desc" "$(diff "$WORK/want.r" "$WORK/got" | head -5)"
# ties: by creation order in both directions; nulls last ascending, first descending
jq -r 'to_entries|sort_by(-.value.spend, .key)|.[].value.id' "$WORK/all.json" >"$WORK/want"
pages spend desc >"$WORK/got"
cmp -s "$WORK/got" "$WORK/want" && ok "spend desc: ties in creation order" || fail "spend desc ties" "$(diff "$WORK/want" "$WORK/got" | head -5)"
jq -r 'to_entries|sort_by((.value.alias==null), .value.alias, .key)|.[].value.id' "$WORK/all.json" >"$WORK/want"
pages user_alias asc >"$WORK/got"
cmp -s "$WORK/got" "$WORK/want" && ok "user_alias asc: nulls last" || fail "user_alias asc" "$(diff "$WORK/want" "$WORK/got" | head -5)"
jq -r 'to_entries|(map(select(.value.alias==null))|sort_by(.key)) + (map(select(.value.alias!=null))|sort_by(.value.alias, -.key)|reverse)|.[].value.id' "$WORK/all.json" >"$WORK/want"
pages user_alias desc >"$WORK/got"
cmp -s "$WORK/got" "$WORK/want" && ok "user_alias desc: nulls first" || fail "user_alias desc" "$(diff "$WORK/want" "$WORK/got" | head -5)"
# default order: created_at desc, ties random per request (pages may skip/repeat), one page
# never repeats a row and holds only the newest rows
curl -s -H "Authorization: Bearer $MK" "$EMU_URL/user/list?page=1&page_size=100" >"$B"
expect "default order: newest first (system users, then the newest seeded day), no repeats" 200 '(.users|length)==100 and ([.users[0:2][].user_id]|sort)==["default_user_id","litellm-proxy-budget"] and all(.users[2:][]; .created_at=="2024-01-03T00:00:00.000000Z") and ([.users[].user_id]|unique|length)==100 and .total==3002'
curl -s -H "Authorization: Bearer $MK" "$EMU_URL/user/list?page=1&page_size=100" | jq -c '[.users[].user_id]' >"$WORK/d1"
curl -s -H "Authorization: Bearer $MK" "$EMU_URL/user/list?page=1&page_size=100" | jq -c '[.users[].user_id]' >"$WORK/d2"
cmp -s "$WORK/d1" "$WORK/d2" && fail "default order: ties drawn afresh per request" || ok "default order: ties drawn afresh per request"
# several ids: exact lookups, duplicates once, unknown ignored, order and filters applied
ids="ix-5,ix-77,ix-5,nope,ix-1999,ix-300"
call GET "/user/list?user_ids=$ids&sort_by=user_id&page_size=100"
expect "user_ids lookups" 200 '[.users[].user_id]==["ix-1999","ix-300","ix-5","ix-77"] and .total==4 and all(.users[]; has("key_count"))'
call GET "/user/list?user_ids=$ids&sort_by=user_id&page_size=2&page=2"
expect "user_ids paged" 200 '[.users[].user_id]==["ix-5","ix-77"] and .total_pages==2'
call GET "/user/list?user_ids=$ids&user_email=ix1&sort_by=user_id"
expect "user_ids with another filter" 200 '[.users[].user_email|test("^IX1";"i")]|all'
# the indexes follow changes
call POST /user/new '{"user_id":"AAA-first","user_alias":"zz","auto_create_key":false}'
call GET "/user/list?page=1&page_size=1&sort_by=user_id"
expect "a new user enters the user_id index" 200 '.users[0].user_id=="AAA-first" and .total==3003'
call POST /user/update '{"user_id":"AAA-first","user_alias":"0first"}'
call GET "/user/list?page=1&page_size=1&sort_by=user_alias"
expect "an update re-sorts the alias index" 200 '.users[0].user_id=="AAA-first"'
call POST /user/delete '{"user_ids":["AAA-first"]}'
call GET "/user/list?page=1&page_size=1&sort_by=user_id"
expect "a deleted user leaves the index" 200 '.users[0].user_id!="AAA-first" and .total==3002'
call GET "/user/list?page=1000000&page_size=100&sort_by=user_id"
expect "a page far past the end" 200 '.users==[] and .total==3002'
emu_stop

# ---------------------------------------------------------------- 20,000 users stay cheap and fast
jq -n '{users:[range(0;20000)|{user_id:("big-\(.)"),user_email:("big\(.)@example.com"),max_budget:10,keys:1}]}' >"$SEED"
emu_start --master-key "$MK" --seed "$SEED"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$EMU_PID/status" 2>/dev/null)
case "$BUILD" in
*san*) ok "20,000 users: resident memory not measured under AddressSanitizer (${rss} kB)" ;;
*) [ -n "$rss" ] && [ "$rss" -lt 102400 ] && ok "20,000 users with a key each: ${rss} kB resident" || fail "20,000 users cheap" "VmRSS ${rss} kB" ;;
esac
ids=$(seq 100 199 | sed 's/^/big-/' | paste -sd, -)
best=999999
for i in 1 2 3 4 5; do
	t=$(ms_of "$(curl -s -o "$B" -w '%{time_starttransfer}' -H "Authorization: Bearer $MK" "$EMU_URL/user/list?user_ids=$ids&page_size=100")")
	[ "$t" -lt "$best" ] && best=$t
done
expect "a page of 100 ids among 20,000" 200 '(.users|length)==100'
[ "$best" -lt 25 ] && ok "answered in $best ms (an index, not a scan)" || fail "100 ids among 20,000" "best of 5: $best ms"
call GET "/user/info?user_id=big-19999"
expect "info among 20,000" 200 '(.keys|length)==1 and .user_info.max_budget==10'
emu_stop
