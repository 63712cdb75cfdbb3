#!/bin/sh
# emu_faults.sh - the fault kinds a reliability harness needs: the server does the work
# (commits) and then answers with any status, a gateway timeout, an HTML page, an empty or
# truncated body, or drops the connection (RST or FIN); the same kinds without "after" do
# no work.  The log tells what the route answered before the fault replaced it.
. "$TOP/tests/lib.sh"
. "$TOP/tests/emu/calls.sh"

emu_start --master-key "$MK"
n=0
# new_user: POST /user/new for a fresh id (in $UID_), with the master key
new_user() { n=$((n + 1)); UID_="f-$n"; call POST /user/new "{\"user_id\":\"$UID_\",\"auto_create_key\":false}"; }
# exists NAME WANT(200|404): did the route commit?
exists() {
	_st=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MK" "$EMU_URL/user/info?user_id=$UID_")
	[ "$_st" = "$2" ] && ok "$1" || fail "$1" "user/info $UID_: $_st, want $2"
}
arm() { admin faults "$1"; [ "$ST" = 200 ] || fail "arm $1" "$ST $(cat "$B")"; }

# ---------------------------------------------------------------- any status after the commit
arm '{"path":"/user/new","kind":"500","after":true}'
new_user
expect "500 after the commit: LiteLLM's JSON error" 500 '.error.code=="500" and .error.type=="internal_server_error"'
exists "... and the user was created" 200
sleep 0.1
tail -2 "$EMU_LOG" | head -1 | jq -e '.status==500 and .fault=="status" and .route_status==200' >/dev/null &&
	ok "log: the fault's status and the route's (route_status)" || fail "log route_status" "$(tail -1 "$EMU_LOG")"
arm '{"path":"/user/new","kind":"500"}'
new_user
expect "500 without after: no work" 500
exists "... nothing created" 404
for st in 408 502 503 504 520 524; do
	arm "{\"path\":\"/user/new\",\"kind\":\"$st\",\"after\":true}"
	new_user
	if [ "$ST" = "$st" ] && grep -q "<title>$st " "$B" && grep -qi '^content-type: text/html' "$HD"; then
		ok "$st after the commit: the gateway's HTML page"
	else fail "$st after the commit" "$ST $(head -c 200 "$B")"; fi
	exists "... $st: user created" 200
done
arm '{"path":"/user/new","kind":"gateway_timeout","after":true,"ms":300}'
t0=$(date +%s%N); new_user; t1=$(date +%s%N)
[ "$ST" = 504 ] && grep -q 'Gateway Time-out' "$B" && [ $(( (t1 - t0) / 1000000 )) -ge 280 ] &&
	ok "gateway_timeout: waits, then 504 Gateway Time-out" || fail "gateway_timeout" "$ST $(( (t1 - t0) / 1000000 )) ms"
exists "... the server committed meanwhile" 200
arm '{"path":"/user/new","kind":"status","status":409,"after":true,"body":"json"}'
new_user
expect "body json with any status" 409 '.error.code=="409"'
arm '{"path":"/user/new","kind":"status","status":500,"after":true,"body":"text"}'
new_user
if [ "$ST" = 500 ] && [ "$(cat "$B")" = "Internal Server Error" ] && grep -qi '^content-type: text/plain' "$HD"; then
	ok "body text: FastAPI's plain 500"; else fail "body text" "$ST $(cat "$B")"; fi
arm '{"path":"/user/new","kind":"status","status":502,"after":true,"body":"empty"}'
new_user
[ "$ST" = 502 ] && [ ! -s "$B" ] && grep -qi '^content-length: 0' "$HD" && ok "body empty with a status" || fail "body empty" "$ST $(head -c 100 "$B")"
exists "... created" 200
arm '{"path":"/user/new","kind":"429","after":true,"retry_after":3}'
new_user
[ "$ST" = 429 ] && grep -qi '^retry-after: 3' "$HD" && ok "429 after the commit" || fail "429 after" "$ST"
exists "... created although 429" 200

# ---------------------------------------------------------------- pages and bodies that are not the API's
arm '{"path":"/user/new","kind":"html","after":true}'
new_user
[ "$ST" = 200 ] && grep -qi '^content-type: text/html' "$HD" && grep -q '<html>' "$B" && ok "html: 200 with an HTML page" || fail "html page" "$ST $(head -c 100 "$B")"
exists "... created" 200
arm '{"path":"/user/update","kind":"html","status":403}'
call POST /user/update "{\"user_id\":\"$UID_\",\"user_alias\":\"changed\"}"
[ "$ST" = 403 ] && grep -q '<html>' "$B" && ok "html with a status, no work" || fail "html 403" "$ST"
call GET "/user/info?user_id=$UID_"
expect "... the update did not happen" 200 '.user_info.user_alias==null'
arm '{"path":"/user/new","kind":"empty","after":true}'
new_user
[ "$ST" = 200 ] && [ "$CE" = 0 ] && [ ! -s "$B" ] && ok "empty: 200 with no body" || fail "empty 200" "$ST $CE $(head -c 100 "$B")"
exists "... created" 200
arm '{"path":"/user/new","kind":"truncate"}'
new_user
[ "$CE" = 18 ] && ok "truncate: half the body, then the connection closes" || fail "truncate" "$ST curl $CE"
exists "... created (truncate always does the work)" 200

# ---------------------------------------------------------------- dropped connections
arm '{"path":"/user/new","kind":"close","after":true}'
new_user
[ "$ST" = 000 ] && [ "$CE" = 52 ] && ok "close after the commit: no answer (FIN, curl: empty reply)" || fail "close after" "$ST curl $CE"
exists "... created" 200
arm '{"path":"/user/new","kind":"close"}'
new_user
[ "$CE" = 52 ] && ok "close before the work" || fail "close before" "curl $CE"
exists "... nothing created" 404
arm '{"path":"/user/new","kind":"reset","after":true}'
new_user
[ "$ST" = 000 ] && [ "$CE" = 56 -o "$CE" = 52 ] && ok "reset after the commit (RST)" || fail "reset after" "$ST curl $CE"
exists "... created" 200
sleep 0.1
tail -2 "$EMU_LOG" | head -1 | jq -e '.status==0 and .fault=="reset" and .route_status==200' >/dev/null &&
	ok "log: a dropped answer has status 0 and the route's status" || fail "log dropped" "$(tail -1 "$EMU_LOG")"

# ---------------------------------------------------------------- per route, method, nth
arm '{"path":"/team/new","method":"POST","kind":"503","after":true,"nth":2}'
call POST /team/new '{"team_id":"ft1"}'; a=$ST
call POST /team/new '{"team_id":"ft2"}'; b=$ST
call POST /team/new '{"team_id":"ft3"}'; c=$ST
call GET "/team/info?team_id=ft2"
[ "$a$b$c" = "200503200" ] && [ "$ST" = 200 ] && ok "per route and nth: only the second create, committed" || fail "nth" "$a $b $c info $ST"
call GET /__emu/faults
expect "fault list shows after, status and body" 200 '(map(select(.path=="/team/new"))[0]|.after==true and .status==503 and .body=="auto") and (map(select(.kind=="truncate"))[0].after==true)'
admin faults '{"path":"/user/new","kind":"status","status":500,"body":"xml"}'
expect "unknown body refused" 400 '.detail|contains("body")'
admin faults '{"path":"/user/new","kind":"html","body":"json"}'
expect "body only on status faults" 400
admin faults '{"path":"/user/new","kind":"html","status":99}'
expect "html status range" 400
admin faults '{"path":"/user/new","kind":"600"}'
expect "status outside 400..599 refused" 400
admin faults/clear
emu_stop

# ---------------------------------------------------------------- the flag form
emu_start --master-key "$MK" --fault 'path=/user/new,kind=502,after=1,body=json' --fault 'path=/user/delete,kind=close,after=true'
new_user
expect "--fault with after and body" 502 '.error.code=="502"'
exists "... committed" 200
call POST /user/delete "{\"user_ids\":[\"$UID_\"]}"
[ "$CE" = 52 ] && ok "--fault close after" || fail "--fault close after" "curl $CE"
exists "... the delete committed" 404
emu_stop
