#!/bin/sh
# emu.sh - tests of the LiteLLM emulator (build/litellm-emu) over real HTTP with curl + jq:
# every route, the three error shapes, auth both ways, legacy mode, defaults, test
# controls, persistence, each injected fault, the request log.  One "ok"/"FAIL" per case.
. "$TOP/tests/lib.sh"

. "$TOP/tests/emu/calls.sh"

# ---------------------------------------------------------------- start, port, health
emu_start --master-key "$MK"
port=$(cat "$EMU_PORTFILE" 2>/dev/null)
if [ -n "$port" ] && [ "$(head -1 "$WORK/emu.out")" = "$port" ]; then ok "port file and stdout agree"
else fail "port file and stdout agree" "file '$port' stdout '$(head -1 "$WORK/emu.out")'"; fi
if command -v ss >/dev/null 2>&1; then
	if ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qx "127.0.0.1:$port"; then ok "listens on 127.0.0.1"
	else fail "listens on 127.0.0.1" "$(ss -ltnH | grep ":$port")"; fi
fi

ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/health/liveliness")
expect_raw "liveliness without auth" 200 '"I'"'"'m alive!"'
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/health/liveness")
expect_raw "liveness alias" 200 '"I'"'"'m alive!"'
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/health/readiness")
expect "readiness" 200 '.status=="connected" and .db=="connected" and (.litellm_version|startswith("1."))'
admin config '{"db_connected":false}'
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/health/readiness")
expect "readiness 503 when db down" 503 '.detail|type=="string"'
call GET "/user/info?user_id=default_user_id"
expect "routes answer 500 when db down" 500 '.error.code=="500" and .error.type=="internal_server_error"'
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/health/liveliness")
expect "liveliness up when db down" 200
admin config '{"db_connected":true}'

# ---------------------------------------------------------------- auth
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/user/info?user_id=x")
expect_body "401 without key" 401 '{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}'
ST=$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer wrong" "$EMU_URL/user/info?user_id=x")
expect "401 wrong key" 401 '.error.type=="auth_error" and .error.code=="401" and .error.param=="None" and (.error.message|startswith("Authentication Error, "))'
ST=$(curl -s -o "$B" -w '%{http_code}' -H "x-litellm-api-key: $MK" "$EMU_URL/user/info?user_id=default_user_id")
expect "x-litellm-api-key accepted" 200 '.user_info.user_id=="default_user_id"'
ST=$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer $MK" "$EMU_URL/user/info?user_id=default_user_id")
expect "Authorization Bearer accepted" 200 '.user_id=="default_user_id"'
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/__emu/dump")
expect "test controls need the key" 401

# ---------------------------------------------------------------- routing errors
call GET /nope
expect_body "unknown route 404" 404 '{"detail":"Not Found"}'
call GET /user/new
expect_body "wrong method 405" 405 '{"detail":"Method Not Allowed"}'
grep -qi '^allow: POST' "$HD" && ok "405 names the allowed method" || fail "405 names the allowed method" "$(cat "$HD")"
call POST /user/info '{}'
expect_body "POST on GET route 405" 405 '{"detail":"Method Not Allowed"}'
ST=$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer $MK" -d '{"user_id":"form"}' "$EMU_URL/user/new")
expect_body "JSON without Content-Type is 422" 422 '{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{\"user_id\":\"form\"}"}]}'
call POST /user/new '{"user_id":'
expect "invalid JSON 422 json_invalid" 422 '.detail[0].type=="json_invalid" and .detail[0].loc[0]=="body" and .detail[0].msg=="JSON decode error"'
ST=$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer wrong" -H 'Content-Type: application/json' -d '{bad' "$EMU_URL/user/new")
expect "JSON decode error comes before auth" 422 '.detail[0].type=="json_invalid"'
ST=$(curl -s -o "$B" -w '%{http_code}' -X POST -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' "$EMU_URL/user/new")
expect_body "missing body 422" 422 '{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}'
call POST /user/new 'null'
expect_body "JSON null body is a missing body" 422 '{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}'
head -c 17000000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
ST=$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' --data-binary @"$WORK/big.json" "$EMU_URL/user/new")
expect "body over 16 MB -> 413" 413 '.detail=="Request body too large"'
rm -f "$WORK/big.json"
call POST /user/new '[1,2]'
expect "array body 422" 422 '.detail[0].type=="model_attributes_type" and .detail[0].input==[1,2]'

# ---------------------------------------------------------------- /user/new
call POST /user/new '{"user_id":"alice","user_email":"Alice@Example.com","user_alias":"Al","user_role":"internal_user","max_budget":10,"budget_duration":"30d","tpm_limit":5,"rpm_limit":7,"models":["gpt-4"],"metadata":{"team":"x"},"unknown_field":1}'
expect "new user with key" 200 '.user_id=="alice" and (.key|test("^sk-[A-Za-z0-9_-]{20,}$")) and .teams==null and (has("budget_reset_at")|not) and .created_at!=null and .updated_at!=null and .expires==null and .user_email=="Alice@Example.com" and .max_budget==10 and .tpm_limit==5 and .models==["gpt-4"] and .metadata=={"team":"x"} and .user_role=="internal_user"'
if grep -q '"max_budget":10.0' "$B" && grep -q '"spend":0.0' "$B" && grep -q '"tpm_limit":5,' "$B"; then ok "floats with a decimal point, ints without"
else fail "floats with a decimal point, ints without" "$(cat "$B")"; fi
alice_key=$(jq -r .key "$B")
call POST /user/new '{"user_id":"nokey","user_email":"nokey@example.com","auto_create_key":false}'
expect "auto_create_key false: empty key, null key times" 200 '.key=="" and .created_at==null and .updated_at==null and .teams==null and .user_id=="nokey"'
call POST /user/new '{"user_id":"alice"}'
expect_body "duplicate id 409" 409 '{"error":{"message":"{'"'"'error'"'"': '"'"'User with id alice already exists'"'"'}","type":"internal_server_error","param":"None","code":"409"}}'
call POST /user/new '{"user_id":"alice2","user_email":"  aLiCe@example.COM "}'
expect "duplicate email (case, spaces) 409" 409 '.error.code=="409" and (.error.message|contains("already exists"))'
call GET "/user/info?user_id=alice2"
expect "409 created nothing" 404
call POST /user/new '{"user_email":"gen@example.com","auto_create_key":false}'
expect "id omitted -> lowercase UUID4" 200 '.user_id|test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")'
call POST /user/new '{"user_id":"badrole","user_role":"admin"}'
expect "bad role 422" 422 '.detail[0].type=="literal_error" and .detail[0].loc==["body","user_role"] and .detail[0].input=="admin"'
call POST /user/new '{"user_id":"badtypes","max_budget":"ten","tpm_limit":1.5,"models":"gpt","metadata":[]}'
expect "type errors 422 (all reported)" 422 '[.detail[].loc[1]]|sort==["max_budget","metadata","models","tpm_limit"]'
call POST /user/new '{"user_id":"baddur","budget_duration":"monthly"}'
expect_body "bad budget_duration 400" 400 '{"error":{"message":"Invalid budget_duration '"'"'monthly'"'"'. Use a format like '"'"'1h'"'"', '"'"'24h'"'"', '"'"'7d'"'"', or '"'"'30d'"'"'.","type":"internal_server_error","param":"None","code":"400"}}'
bad=""
for d in 1s 15m 24h 1d 7d 1w 30d 1mo; do
	call POST /user/new "{\"user_id\":\"dur-$d\",\"budget_duration\":\"$d\",\"auto_create_key\":false}"
	[ "$ST" = 200 ] || bad="$bad $d:$ST"
done
[ -z "$bad" ] && ok "durations s m h d w 1mo accepted" || fail "durations accepted" "$bad"
bad=""
for d in 0d 1y 2mo 1.5h d -1d 1M " 1d"; do
	call POST /user/new "{\"user_id\":\"dur-bad\",\"budget_duration\":\"$d\"}"
	[ "$ST" = 400 ] || bad="$bad $d:$ST"
done
[ -z "$bad" ] && ok "durations 0d 1y 2mo 1.5h d -1d 1M ' 1d' rejected" || fail "durations rejected" "$bad"
call POST /user/new '{"user_id":"","auto_create_key":false}'
expect "empty user_id stored as-is" 200 '.user_id==""'
call POST /user/new '{"user_id":"strnum","max_budget":"2.5","tpm_limit":"9","auto_create_key":"false"}'
expect "lax coercion of numeric strings" 200 '.max_budget==2.5 and .tpm_limit==9 and .key==""'

# ---------------------------------------------------------------- /user/info
call GET "/user/info?user_id=alice"
expect "info row has every column" 200 '.user_info|has("user_id") and has("user_alias") and has("user_email") and has("user_role") and has("max_budget") and has("spend") and has("models") and has("metadata") and has("tpm_limit") and has("rpm_limit") and has("budget_duration") and has("budget_reset_at") and has("teams") and has("sso_user_id") and has("organization_id") and has("max_parallel_requests") and has("model_spend") and has("model_max_budget") and has("created_at") and has("updated_at") and has("litellm_organization_table")'
expect "info keys, teams, values" 200 '(.keys|length)==1 and .keys[0].user_id=="alice" and .teams==[] and .user_info.teams==[] and .user_info.max_budget==10 and .user_info.budget_reset_at!=null and (.user_info.created_at|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$"))'
if grep -q "$alice_key" "$B"; then fail "info never shows the key secret"; else ok "info never shows the key secret"; fi
call GET "/user/info?user_id=ghost"
expect_body "unknown user 404" 404 '{"error":{"message":"User ghost not found","type":"internal_server_error","param":"None","code":"404"}}'
call GET "/user/info"
expect "info without user_id lists everything" 200 '.user_id==null and (.keys|length)>=1 and (.teams|type)=="array"'
call GET "/user/info?user_id=a%40b%2Bc"
expect "percent-decoded query" 404 '.error.message=="User a@b+c not found"'
call GET "/user/info?user_id=a+b"
expect "unencoded + is a space" 404 '.error.message=="User a b not found"'

# budget reset rules with a frozen clock (Friday 2024-06-14 22:48:36.594 UTC)
admin config '{"now":"2024-06-14T22:48:36.594Z"}'
for pair in 1d=2024-06-15T00:00:00.000000Z 7d=2024-06-17T00:00:00.000000Z 1w=2024-06-17T00:00:00.000000Z \
	30d=2024-07-01T00:00:00.000000Z 1mo=2024-07-01T00:00:00.000000Z 1h=2024-06-14T23:00:00.000000Z \
	30s=2024-06-14T22:49:06.000000Z; do
	d=${pair%%=*}; want=${pair#*=}
	call POST /user/new "{\"user_id\":\"reset-$d\",\"budget_duration\":\"$d\",\"auto_create_key\":false}"
	call GET "/user/info?user_id=reset-$d"
	expect "budget_reset_at for $d" 200 ".user_info.budget_reset_at==\"$want\" and .user_info.created_at==\"2024-06-14T22:48:36.594000Z\""
done
admin config '{"now":null}'

# ---------------------------------------------------------------- /user/update
call POST /user/update '{"user_id":"alice","user_alias":null,"models":[],"metadata":{},"tpm_limit":null,"budget_duration":null}'
expect "update: null, [] and {} ignored" 200 '.user_id=="alice" and .data.user_alias=="Al" and .data.models==["gpt-4"] and .data.metadata=={"team":"x"} and .data.tpm_limit==5 and .data.budget_duration=="30d"'
call POST /user/update '{"user_id":"alice","user_alias":"","metadata":{"a":1},"rpm_limit":70}'
expect "update: empty string stored, metadata replaced" 200 '.data.user_alias=="" and .data.metadata=={"a":1} and .data.rpm_limit==70'
call POST /user/update '{"user_id":"alice","max_budget":null}'
expect "update: max_budget null clears" 200 '.data.max_budget==null'
call POST /user/update '{"user_id":"alice","max_budget":3}'
if grep -q '"max_budget":3.0' "$B"; then ok "update: float stored as float"; else fail "update: float stored as float" "$(cat "$B")"; fi
call POST /user/update '{"user_id":"alice","user_email":"new@example.com"}'
expect "update: email changed by id" 200 '.data.user_email=="new@example.com"'
call POST /user/new '{"user_id":"x1","user_email":"NEW@example.com"}'
expect "email index follows the change" 409
call POST /user/update '{"user_email":"new@example.com","user_alias":"by-mail"}'
expect "update: found by email" 200 '.user_id=="alice" and .data.user_alias=="by-mail"'
call POST /user/update '{"user_id":"upserted","user_alias":"U"}'
expect "update is an upsert" 200 '.user_id=="upserted" and .data.user_alias=="U"'
call GET "/user/info?user_id=upserted"
expect "upserted user exists" 200 '.user_info.user_alias=="U" and (.keys|length)==0'
call POST /user/update '{"user_alias":"nobody"}'
expect "update without id or email 422" 422 '.detail[0].type=="value_error" and .detail[0].loc==["body"]'
call POST /user/update '{"user_id":"alice","user_role":"boss"}'
expect "update bad role 422" 422 '.detail[0].loc==["body","user_role"]'
call POST /user/update '{"user_id":"alice","budget_duration":"weekly"}'
expect "update bad duration 400 auth_error" 400 '.error.type=="auth_error" and (.error.message|startswith("Invalid budget_duration '"'"'weekly'"'"'"))'
call POST /user/update '{"user_id":"alice","budget_duration":"1d"}'
expect "update duration recomputes reset" 200 '.data.budget_duration=="1d" and (.data.budget_reset_at|endswith("T00:00:00.000000Z"))'
call GET "/user/info?user_id=alice"
before=$(jq -r .user_info.created_at "$B"); after=$(jq -r .user_info.updated_at "$B")
[ "$before" != "" ] && [ "$after" \> "$before" -o "$after" = "$before" ] && ok "updated_at advances" || fail "updated_at advances" "$before $after"

# ---------------------------------------------------------------- /user/list
admin reset
for i in 01 02 03 04 05 06 07; do
	call POST /user/new "{\"user_id\":\"u$i\",\"user_email\":\"u$i@corp.example\",\"user_role\":\"internal_user\",\"auto_create_key\":false}"
done
call POST /user/new '{"user_id":"BigU","user_email":"big@other.example","user_role":"proxy_admin"}'
call GET "/user/list?page=1&page_size=3&sort_by=user_id&sort_order=asc"
expect "list page 1" 200 '.total==10 and .page==1 and .page_size==3 and .total_pages==4 and ([.users[].user_id]==["BigU","default_user_id","litellm-proxy-budget"])'
call GET "/user/list?page=4&page_size=3&sort_by=user_id&sort_order=asc"
expect "list last page" 200 '[.users[].user_id]==["u07"]'
call GET "/user/list?page=9&page_size=3&sort_by=user_id&sort_order=asc"
expect "list past the end" 200 '.users==[] and .total==10'
call GET "/user/list?sort_by=user_id&sort_order=desc&page_size=2"
expect "list desc" 200 '[.users[].user_id]==["u07","u06"]'
call GET "/user/list"
expect "list defaults" 200 '.page==1 and .page_size==25 and .total==10 and (.users|length)==10 and (.users[0]|has("key_count"))'
call GET "/user/list?user_ids=U0&sort_by=user_id"
expect "single user_ids is a case-insensitive substring" 200 '[.users[].user_id]==["u01","u02","u03","u04","u05","u06","u07"]'
call GET "/user/list?user_ids=u01,u03,u0&sort_by=user_id"
expect "several user_ids match exactly" 200 '[.users[].user_id]==["u01","u03"]'
call GET "/user/list?user_email=corp.exa&sort_by=user_id"
expect "user_email substring" 200 '.total==7'
call GET "/user/list?role=proxy_admin&sort_by=user_id"
expect "role filter" 200 '[.users[].user_id]==["BigU","default_user_id"]'
call GET "/user/list?user_ids=BigU"
expect "key_count" 200 '.users[0].key_count==1'
call GET "/user/list?page_size=0"
expect "page_size 0 -> 422" 422 '.detail[0].loc==["query","page_size"] and .detail[0].type=="greater_than_equal"'
call GET "/user/list?page_size=101"
expect_body "page_size 101 -> 422" 422 '{"detail":[{"type":"less_than_equal","loc":["query","page_size"],"msg":"Input should be less than or equal to 100","input":"101","ctx":{"le":100}}]}'
call GET "/user/list?page=1000000000000&page_size=100"
expect "huge page is just empty" 200 '.users==[] and .page==1000000000000'
call GET "/user/list?page=x"
expect "page not an int -> 422" 422 '.detail[0].type=="int_parsing" and .detail[0].loc==["query","page"]'
call GET "/user/list?sort_by=password"
expect "bad sort_by -> 400 detail" 400 '.detail.error|type=="string"'
call GET "/user/get_users?page_size=2&sort_by=user_id"
expect "old alias /user/get_users" 200 '.total==10 and (.users|length)==2'
call GET "/user/list?sort_by=spend&sort_order=desc&page_size=1"
expect "sort by spend" 200 '.users|length==1'
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/user/list?page_size=1")
expect "list checks the key" 401

# ---------------------------------------------------------------- /user/delete
call POST /user/delete '{"user_ids":["u01"]}'
expect_raw "delete answers a bare integer" 200 '1'
call GET "/user/info?user_id=u01"
expect "deleted user is gone" 404
call POST /user/delete '{"user_ids":["u01"]}'
expect_body "delete unknown 404 detail" 404 '{"detail":{"error":"User not found, passed user_id=u01"}}'
call POST /user/delete '{"user_ids":["u02","u03"]}'
expect_raw "delete two" 200 '2'
call POST /user/delete '{}'
expect "delete without user_ids 422" 422 '.detail[0].type=="missing" and .detail[0].loc==["body","user_ids"]'
call POST /user/delete '{"user_ids":null}'
expect "delete user_ids null 422" 422 '.detail[0].type=="list_type"'
call POST /user/delete '{"user_ids":"u04"}'
expect "delete user_ids not a list 422" 422 '.detail[0].type=="list_type"'
call POST /user/delete '{"user_ids":["BigU"]}'
call GET "/user/list?user_ids=BigU"
expect "delete removes the user's keys too" 200 '.total==0'

# ---------------------------------------------------------------- teams
admin reset
call POST /user/new '{"user_id":"m1","user_email":"m1@example.com","auto_create_key":false}'
call POST /team/new '{"team_id":"t1","team_alias":"Team One","max_budget":100,"members_with_roles":[{"role":"user","user_id":"m1"},{"role":"user","user_id":"fresh"},{"role":"user","user_email":"mail@example.com"}]}'
expect "team/new row" 200 '.team_id=="t1" and .team_alias=="Team One" and .max_budget==100 and .spend==0 and .blocked==false and ([.members_with_roles[]|.role+":"+(.user_id//"?")]|.[0:2]==["user:m1","user:fresh"]) and (.members_with_roles[-1]=={"role":"admin","user_id":"default_user_id","user_email":null})'
if grep -q '"max_budget":100.0' "$B"; then ok "team floats with a decimal point"; else fail "team floats with a decimal point" "$(cat "$B")"; fi
call GET "/user/info?user_id=fresh"
expect "team/new creates missing member users" 200 '.user_info.teams==["t1"] and .user_info.user_role=="internal_user" and .teams[0].team_id=="t1"'
call GET "/user/info?user_id=m1"
expect "member's teams column updated" 200 '.user_info.teams==["t1"]'
call GET "/user/list?user_email=mail@example.com"
expect "member by email created" 200 '.total==1 and .users[0].teams==["t1"]'
call POST /team/new '{"team_id":"t1"}'
expect_body "team/new duplicate 400" 400 '{"error":{"message":"{'"'"'error'"'"': '"'"'Team id = t1 already exists. Please use a different team id.'"'"'}","type":"internal_server_error","param":"None","code":"400"}}'
call POST /team/new '{"team_alias":"auto"}'
expect "team id omitted -> UUID4" 200 '.team_id|test("^[0-9a-f]{8}-[0-9a-f]{4}-4")'
auto_team=$(jq -r .team_id "$B")
call POST /team/new '{"members_with_roles":[{"role":"owner","user_id":"x"}]}'
expect "team/new bad member role 422" 422 '.detail[0].type=="literal_error" and .detail[0].loc==["body","members_with_roles",0,"role"]'
call POST /team/new '{"members_with_roles":[{"user_id":7}]}'
expect "team/new member errors (role missing, id not a string)" 422 '[.detail[]|.type+":"+(.loc|map(tostring)|join("."))]==["missing:body.members_with_roles.0.role","string_type:body.members_with_roles.0.user_id"]'
call GET "/team/info?team_id=t1"
expect "team/info" 200 '.team_id=="t1" and .team_info.team_id=="t1" and .keys==[] and .team_memberships==[]'
call GET "/team/info?team_id=none"
expect_body "team/info unknown 404" 404 '{"error":{"message":"{'"'"'message'"'"': '"'"'Team not found, passed team id: none.'"'"'}","type":"auth_error","param":"None","code":"404"}}'
call GET "/team/info"
expect_body "team/info without team_id 422 (ProxyException shape)" 422 '{"error":{"message":"{'"'"'message'"'"': '"'"'Malformed request. No team id passed in.'"'"'}","type":"auth_error","param":"None","code":"422"}}'
call POST /team/update '{"team_id":"t1","team_alias":"Renamed","tpm_limit":5}'
expect "team/update" 200 '.team_id=="t1" and .data.team_alias=="Renamed" and .data.tpm_limit==5 and .data.max_budget==100'
call POST /team/update '{"team_id":"t1","max_budget":null,"tpm_limit":null}'
expect "team/update null clears budget and limits" 200 '.data.max_budget==null and .data.tpm_limit==null and .data.team_alias=="Renamed"'
call POST /team/update '{"team_id":"nope","team_alias":"x"}'
expect_body "team/update unknown 404" 404 '{"detail":{"error":"Team not found, passed team_id=nope"}}'
call POST /team/update '{"team_alias":"x"}'
expect "team/update without team_id 422" 422 '.detail[0].loc==["body","team_id"]'
call POST /team/member_add '{"team_id":"t1","member":{"role":"user","user_id":"late"}}'
expect "member_add creates the user" 200 '.team_id=="t1" and (.updated_users[0].user_id=="late") and (.updated_users[0].teams==["t1"]) and ([.members_with_roles[].user_id]|index("late")!=null)'
call POST /team/member_add '{"team_id":"t1","member":[{"role":"user","user_id":"l2"},{"role":"user","user_email":"l3@example.com"}],"max_budget_in_team":2}'
expect "member_add list with budget" 200 '(.updated_users|length)==2 and (.updated_team_memberships|length)==2 and .updated_team_memberships[0].litellm_budget_table.max_budget==2'
call POST /team/member_add '{"team_id":"t1","member":{"role":"user","user_id":"late"}}'
expect "member_add already a member 400" 400 '.error.type=="team_member_already_in_team" and .error.code=="400" and .error.param=="member" and (.error.message|startswith("User already in team. Member: user_id=late, user_email=None. Existing members=[Member(user_id="))'
call POST /team/member_add '{"team_id":"t1","member":{"role":"admin","user_id":"boss"}}'
expect "member_add admin is premium 400" 400 '.detail.error|contains("premium feature")'
call GET "/user/info?user_id=boss"
expect "refused member_add created nothing" 404
call POST /team/member_add '{"team_id":"zz","member":{"role":"user","user_id":"late"}}'
expect "member_add unknown team 404 detail" 404 '.detail.error|contains("zz")'
call POST /team/member_add '{"team_id":"t1","member":{"role":"user"}}'
expect "member_add member without id or email 422" 422 '.detail[0].type=="value_error"'
call POST /team/member_update '{"team_id":"t1","user_id":"late","max_budget_in_team":7.5}'
expect "member_update budget" 200 '.team_id=="t1" and .user_id=="late" and .max_budget_in_team==7.5'
call GET "/team/info?team_id=t1"
expect "team_memberships show the budget" 200 '[.team_memberships[]|select(.user_id=="late")|.litellm_budget_table.max_budget]==[7.5]'
call POST /team/member_update '{"team_id":"t1","user_id":"late","role":"admin"}'
expect "member_update to admin is premium (plain-string detail)" 400 '.detail|contains("premium")'
call POST /team/member_update '{"team_id":"t1","user_id":"stranger","role":"user"}'
expect "member_update by id of a non-member 200 (mid servers)" 200 '.user_id=="stranger"'
call POST /team/member_update '{"team_id":"t1","user_email":"l3@example.com","max_budget_in_team":1}'
expect "member_update by email" 200 '.user_email=="l3@example.com" and (.user_id|type)=="string" and .max_budget_in_team==1'
call POST /team/member_update '{"team_id":"t1"}'
expect "member_update without user 422" 422 '.detail[0].type=="value_error" and .detail[0].msg=="Value error, Either user id or user email must be provided"'
call POST /team/member_delete '{"team_id":"t1","user_email":"l3@example.com"}'
expect "member_delete by email" 200 '[.members_with_roles[].user_email]|index("l3@example.com")==null'
call POST /team/member_delete '{"team_id":"zz","user_id":"late"}'
expect_body "member_delete unknown team 400" 400 '{"detail":{"error":"Team id=zz does not exist in db"}}'
call POST /team/member_delete '{"team_id":"t1","user_id":"stranger"}'
expect "member_delete not a member 400" 400 '.detail.error|type=="string"'
call POST /team/member_delete '{"team_id":"t1","user_id":"late"}'
expect "member_delete" 200 '[.members_with_roles[].user_id]|index("late")==null'
call GET "/user/info?user_id=late"
expect "member_delete updates the user's teams" 200 '.user_info.teams==[]'
call POST /user/new '{"user_id":"joiner","teams":["t1"],"auto_create_key":false}'
expect "/user/new with teams joins them" 200 '.user_id=="joiner"'
call GET "/user/info?user_id=joiner"
expect "joined team listed" 200 '.user_info.teams==["t1"] and .teams[0].team_id=="t1"'
call GET /team/list
expect "team/list is an array of rows" 200 'type=="array" and length==2 and ([.[].team_id]|index("t1")!=null)'
call GET "/team/list?user_id=m1"
expect "team/list by user" 200 '[.[].team_id]==["t1"]'
call POST /user/delete '{"user_ids":["m1","ghost"]}'
expect "delete: unknown id after a known one 404" 404 '.detail.error=="User not found, passed user_id=ghost"'
call GET "/team/info?team_id=t1"
expect "delete: earlier id already removed from its teams" 200 '[.team_info.members_with_roles[].user_id]|index("m1")==null'
call GET "/user/info?user_id=m1"
expect "delete: earlier id itself not deleted" 200 '.user_info.user_id=="m1"'
call POST /team/delete '{"team_ids":["t1","nope"]}'
expect_body "team/delete unknown 404" 404 '{"detail":{"error":"Team not found, passed team_id=nope"}}'
call POST /team/delete "{\"team_ids\":[\"t1\",\"$auto_team\"]}"
expect "team/delete" 200 ".deleted_teams==[\"t1\",\"$auto_team\"]"
call GET "/user/info?user_id=fresh"
expect "team/delete removes the id from users" 200 '.user_info.teams==[]'
call GET /team/list
expect "team/list empty" 200 '.==[]'
admin config '{"premium":true}'
call POST /team/new '{"team_id":"t2"}'
call POST /team/member_add '{"team_id":"t2","member":{"role":"admin","user_id":"boss"}}'
expect "premium build allows team admins" 200 '[.members_with_roles[]|select(.user_id=="boss")|.role]==["admin"]'
admin config '{"premium":false}'

# ---------------------------------------------------------------- test controls
admin reset
call GET /__emu/dump
expect "reset keeps only the system users" 200 '[.users[].user_id]|sort==["default_user_id","litellm-proxy-budget"]'
admin seed '{"users":[{"user_id":"s1","user_email":"s1@example.com","spend":0.00000625,"max_budget":5,"keys":2},{"user_id":"s2","user_role":"app_user"}],"teams":[{"team_id":"st","members_with_roles":[{"role":"user","user_id":"s1","user_email":null}]}]}'
expect "seed" 200 '.users==4 and .teams==1'
call GET "/user/info?user_id=s1"
expect "seeded user" 200 '.user_info.spend==0.00000625 and (.keys|length)==2 and .user_info.user_email=="s1@example.com" and .user_info.models==[]'
if grep -q '"spend":6.25e-06' "$B" && grep -q '"max_budget":5.0' "$B"; then ok "python float repr (6.25e-06, 5.0)"; else fail "python float repr" "$(head -c 400 "$B")"; fi
call GET "/user/info?user_id=s2"
expect "legacy role value kept" 200 '.user_info.user_role=="app_user"'
admin seed '{"users":[{"user_id":"f1","spend":1e16},{"user_id":"f2","spend":0.1},{"user_id":"f3","spend":123456789},{"user_id":"f4","spend":0.000015},{"user_id":"f5","spend":-2},{"user_id":"f6","spend":0.0001},{"user_id":"f7","spend":1234567890123456789}]}'
got=""
for i in 1 2 3 4 5 6 7; do
	call GET "/user/info?user_id=f$i"
	got="$got$(grep -o '"spend":[^,]*' "$B" | head -1 | cut -d: -f2) "
done
[ "$got" = "1e+16 0.1 123456789.0 1.5e-05 -2.0 0.0001 1.2345678901234568e+18 " ] && ok "python float repr corner cases" || fail "python float repr corner cases" "$got"

call POST /user/new '{"user_email":"S1@example.com"}'
expect "seeded email indexed" 409
admin user '{"user_id":"s1","user_alias":"changed outside","max_budget":null}'
expect "patch a user outside litehcl" 200 '.user_alias=="changed outside"'
call GET "/user/info?user_id=s1"
expect "patched row served" 200 '.user_info.user_alias=="changed outside" and .user_info.max_budget==null'
admin user '{"user_id":"missing"}'
expect "patch unknown user 404" 404
admin user/delete '{"user_id":"s1"}'
call GET "/user/info?user_id=s1"
expect "delete outside litehcl" 404
call GET "/team/info?team_id=st"
expect "outside delete has no side effects" 200 '[.team_info.members_with_roles[].user_id]==["s1"]'
admin team '{"team_id":"st","team_alias":"patched"}'
expect "patch a team" 200 '.team_alias=="patched"'
admin team/delete '{"team_id":"st"}'
call GET "/team/info?team_id=st"
expect "delete a team outside" 404
admin seed '{"users":[{"email":"no id"}]}'
expect "seed without user_id 400" 400
call GET /__emu/config
expect "config readable" 200 '.legacy==false and .open_api==false'

# ---------------------------------------------------------------- legacy switch at runtime
admin config '{"legacy":true}'
call GET "/user/info?user_id=ghost"
expect_body "legacy: unknown user 200 stub" 200 '{"user_id":"ghost","user_info":{"spend":0},"keys":[],"teams":[]}'
admin config '{"legacy":false}'

# ---------------------------------------------------------------- request log
admin reset
call POST /user/new '{"user_id":"logme","user_email":"log@example.com","auto_create_key":true}'
call POST /user/update "{\"user_id\":\"logme\",\"metadata\":{\"key\":\"sk-secret-in-body\",\"k\":[\"$MK\"]}}"
call GET "/user/info?user_id=logme&x=a%20b"
ST=$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer $MK" -H 'Content-Type: text/plain' -d 'not json' "$EMU_URL/user/update")
sleep 0.1
if tail -4 "$EMU_LOG" | jq -e -s '.[0].method=="POST" and .[0].path=="/user/new" and .[0].body.user_id=="logme" and .[0].status==200 and .[0].query=={} and .[1].body.metadata=={"key":"[redacted]","k":["[redacted]"]} and .[2].method=="GET" and .[2].query=={"user_id":"logme","x":"a b"} and .[2].body==null and .[2].status==200 and .[3].body=="not json" and .[3].status==422' >/dev/null 2>&1
then ok "log lines: method, path, query, body, status"; else fail "log lines" "$(tail -3 "$EMU_LOG")"; fi
if grep -q "$MK" "$EMU_LOG" || grep -qi 'authorization' "$EMU_LOG" || grep -q 'sk-secret-in-body' "$EMU_LOG"; then fail "log holds no key"
else ok "log holds no key"; fi
if grep -q '__emu' "$EMU_LOG"; then fail "test controls stay out of the log"; else ok "test controls stay out of the log"; fi
if jq -e . "$EMU_LOG" >/dev/null 2>&1; then ok "log is JSON lines"; else fail "log is JSON lines"; fi

# ---------------------------------------------------------------- faults (runtime)
admin reset
admin faults '{"path":"/user/info","kind":"503","nth":2}'
expect "arm a fault" 200 '.id>0'
call GET "/user/info?user_id=default_user_id"; s1=$ST
call GET "/user/info?user_id=default_user_id"; s2=$ST; body2=$(cat "$B")
call GET "/user/info?user_id=default_user_id"; s3=$ST
[ "$s1$s2$s3" = "200503200" ] && ok "nth request gets 503" || fail "nth request gets 503" "$s1 $s2 $s3"
case "$body2" in *"503 Service Temporarily Unavailable"*) ok "503 body from the proxy";; *) fail "503 body" "$body2";; esac
admin faults/clear
admin faults '{"path":"/user/*","kind":"status","status":502,"count":3}'
seq=""; for i in 1 2 3 4; do call GET "/user/info?user_id=default_user_id"; seq="$seq$ST "; done
[ "$seq" = "502 502 502 200 " ] && ok "next K requests (prefix match)" || fail "next K requests" "$seq"
for s in 500 504; do
	admin faults "{\"path\":\"/user/list\",\"kind\":\"$s\"}"
	call GET /user/list
	[ "$ST" = "$s" ] && ok "status fault $s" || fail "status fault $s" "$ST"
done
call GET /user/list; expect "faults spent" 200
admin faults '{"path":"/user/new","kind":"429","retry_after":7}'
call POST /user/new '{"user_id":"rl"}'
if [ "$ST" = 429 ] && grep -qi '^retry-after: 7' "$HD"; then ok "429 with Retry-After"; else fail "429 with Retry-After" "$ST $(cat "$HD")"; fi
call GET "/user/info?user_id=rl"
expect "429 did no work" 404
admin faults '{"path":"/user/info","kind":"reset"}'
call GET "/user/info?user_id=default_user_id"
[ "$ST" = 000 ] && [ "$CE" = 56 -o "$CE" = 52 ] && ok "connection reset" || fail "connection reset" "status $ST curl $CE"
admin faults '{"path":"/user/new","kind":"truncate"}'
call POST /user/new '{"user_id":"tr","auto_create_key":false}'
[ "$CE" = 18 ] && ok "truncated body (transfer closed)" || fail "truncated body" "status $ST curl $CE"
call GET "/user/info?user_id=tr"
expect "truncated answer but the work was done" 200
admin faults '{"path":"/user/info","kind":"malformed"}'
call GET "/user/info?user_id=tr"
if [ "$ST" = 200 ] && [ "$CE" = 0 ] && ! jq . "$B" >/dev/null 2>&1 && [ -s "$B" ]; then ok "malformed JSON body"; else fail "malformed JSON body" "$ST $CE $(head -c 100 "$B")"; fi
admin faults '{"path":"/user/info","kind":"latency","ms":400}'
t0=$(date +%s%N); call GET "/user/info?user_id=tr"; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ST" = 200 ] && [ $ms -ge 380 ] && ok "latency fault ($ms ms)" || fail "latency fault" "$ST $ms ms"
admin faults '{"path":"/user/info","kind":"hang"}'
( curl -s -o "$WORK/hang.out" -w '%{http_code}' --max-time 2 -H "Authorization: Bearer $MK" "$EMU_URL/user/info?user_id=tr" >"$WORK/hang.st"; echo $? >"$WORK/hang.rc" ) &
hangpid=$!
sleep 0.3
call GET "/user/info?user_id=tr"
# answered while the hung request is still waiting for its 2 s client timeout
[ "$ST" = 200 ] && [ ! -e "$WORK/hang.rc" ] && ok "a hung answer blocks nobody else" || fail "hang blocks others" "$ST"
wait $hangpid
[ "$(cat "$WORK/hang.rc")" = 28 ] && [ -s "$WORK/hang.out" ] && ok "hung body: partial then client timeout" || fail "hung body" "rc $(cat "$WORK/hang.rc") $(head -c 80 "$WORK/hang.out")"
admin faults '{"path":"/user/info","kind":"hang","ms":200}'
t0=$(date +%s%N)
ST=$(curl -s -o "$B" -w '%{http_code}' --max-time 1 -H "Authorization: Bearer $MK" "$EMU_URL/user/info?user_id=tr"); CE=$?
t1=$(date +%s%N)
[ "$CE" = 28 ] && [ $(( (t1 - t0) / 1000000 )) -ge 900 ] && ok "delay then hang" || fail "delay then hang" "curl $CE after $(( (t1 - t0) / 1000000 )) ms"
admin faults '{"path":"/health/liveliness","kind":"503","probability":0.5}'
call GET /__emu/faults
expect "fault list with counters" 200 '([.[]|select(.path=="/health/liveliness")][0]|.kind=="status" and .status==503 and .probability==0.5 and .seen==0) and ([.[]|select(.kind=="429")][0]|.fired==1 and .retry_after==7)'
admin faults/clear
expect "clear faults" 200 '.removed>=1'
call GET /__emu/faults
expect "no faults left" 200 '.==[]'
grep -q '"fault":"429"' "$EMU_LOG" && ok "log names the fault" || fail "log names the fault" "$(tail -3 "$EMU_LOG")"

# hang at shutdown: stop must not wait for the client
admin faults '{"path":"/user/info","kind":"hang"}'
( curl -s -o /dev/null --max-time 20 -H "Authorization: Bearer $MK" "$EMU_URL/user/info?user_id=x"; echo $? >"$WORK/hang2.rc" ) &
hangpid=$!
sleep 0.3
t0=$(date +%s%N); emu_stop; t1=$(date +%s%N)
wait $hangpid
[ $(( (t1 - t0) / 1000000 )) -lt 10000 ] && ok "shutdown with a hung connection is prompt" || fail "shutdown with hang" "$(( (t1 - t0) / 1000000 )) ms"
[ "$(cat "$WORK/hang2.rc")" != 0 ] && ok "hung client sees an error at shutdown" || fail "hung client at shutdown"

# ---------------------------------------------------------------- faults from flags, dice
run_dice() {
	emu_start --master-key "$MK" --seed-random 42 --fault 'path=/health/liveness,kind=500,probability=0.5'
	out=""; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		out="$out$(curl -s -o /dev/null -w '%{http_code}' "$EMU_URL/health/liveness") "
	done
	emu_stop
	echo "$out"
}
d1=$(run_dice); d2=$(run_dice)
case "$d1" in *500*200*|*200*500*) mixed=1;; *) mixed=0;; esac
[ "$d1" = "$d2" ] && [ $mixed = 1 ] && ok "probability faults repeat with --seed-random" || fail "seeded dice" "$d1" "$d2"
emu_start --master-key "$MK" --fault 'path=/user/info,kind=reset,nth=1' --fault 'method=POST,path=/user/new,kind=latency,ms=200'
call GET "/user/info?user_id=default_user_id"; a=$CE
call GET "/user/info?user_id=default_user_id"; b=$ST
[ "$a" != 0 ] && [ "$b" = 200 ] && ok "--fault flag" || fail "--fault flag" "$a $b"
emu_stop
"$EMU" --port 0 --fault 'kind=bogus' >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "bad --fault refused" || fail "bad --fault refused" "rc $rc"
"$EMU" --frobnicate >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "unknown flag refused" || fail "unknown flag refused" "rc $rc"

# ---------------------------------------------------------------- legacy mode
emu_start --master-key "$MK" --legacy
call GET "/user/info?user_id=ghost"
expect_body "legacy: unknown user is 200" 200 '{"user_id":"ghost","user_info":{"spend":0},"keys":[],"teams":[]}'
call POST /user/new '{"user_id":"dup","user_email":"d@example.com","user_alias":"first"}'
k1=$(jq -r .key "$B")
call POST /user/new '{"user_id":"dup","user_alias":"second"}'
k2=$(jq -r .key "$B")
[ "$ST" = 200 ] && [ "$k1" != "$k2" ] && ok "legacy: duplicate id mints a new key" || fail "legacy dup" "$ST $k1 $k2"
call GET "/user/info?user_id=dup"
expect "legacy: duplicate leaves the row, adds a key" 200 '.user_info.user_alias=="first" and (.keys|length)==2'
call POST /user/new '{"user_id":"dup2","user_email":"D@example.com"}'
expect "legacy: duplicate email allowed" 200
call POST /user/update '{"user_id":"dup","max_budget":4}'
call POST /user/update '{"user_id":"dup","max_budget":null}'
expect "legacy: max_budget null ignored" 200 '.data.max_budget==4'
call POST /user/new '{"user_id":"junk","budget_duration":"monthly"}'
expect "legacy: junk duration accepted" 200 '.budget_duration=="monthly"'
call GET /health/readiness
expect "legacy version" 200 '.litellm_version|startswith("1.80")'
emu_stop

# ---------------------------------------------------------------- open API, defaults
emu_start --default-budget-duration 30d --default-max-budget 25 --default-models a,b
ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"user_id":"d1","user_role":"internal_user","auto_create_key":false,"max_budget":null,"models":[]}' "$EMU_URL/user/new")
expect "open API without --master-key" 200 '.user_id=="d1"'
expect "server defaults injected (absent, null, [])" 200 '.max_budget==25 and .budget_duration=="30d" and .models==["a","b"]'
ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"user_id":"d2","user_role":"internal_user_viewer","max_budget":1,"budget_duration":"1d","models":["z"]}' "$EMU_URL/user/new")
expect "explicit values beat defaults" 200 '.max_budget==1 and .budget_duration=="1d" and .models==["z"]'
ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"user_id":"d0"}' "$EMU_URL/user/new")
expect "no defaults without an internal role" 200 '.max_budget==null and .budget_duration==null and .models==[] and .user_role==null'
ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"user_id":"dA","user_role":"proxy_admin"}' "$EMU_URL/user/new")
expect "no defaults for admins" 200 '.max_budget==null and .models==[]'
ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"team_id":"dt","members_with_roles":[{"role":"user","user_id":"dm"}]}' "$EMU_URL/team/new")
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/user/info?user_id=dm")
expect "defaults for members created by a team" 200 '.user_info.max_budget==25 and .user_info.models==["a","b"] and .user_info.user_role=="internal_user"'
ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/user/info?user_id=d1")
expect "defaults stored with reset time" 200 '.user_info.max_budget==25 and .user_info.budget_reset_at!=null'
ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"user_id":"d3","user_alias":"x"}' "$EMU_URL/user/update")
expect "upsert gets no defaults" 200 '.data.max_budget==null and .data.models==[]'
emu_stop
emu_start --default-user-role internal_user --default-max-budget 3
ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"user_id":"r1"}' "$EMU_URL/user/new")
expect "--default-user-role" 200 '.user_role=="internal_user" and .max_budget==3'
emu_stop

for tf in offset=2024-06-14T22:48:36.594000+00:00 seconds=2024-06-14T22:48:36Z; do
	emu_start --time-format "${tf%%=*}" --now 2024-06-14T22:48:36.594Z
	ST=$(curl -s -o "$B" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"user_id":"t","budget_duration":"1d"}' "$EMU_URL/user/new")
	ST=$(curl -s -o "$B" -w '%{http_code}' "$EMU_URL/user/info?user_id=t")
	expect "--time-format ${tf%%=*}" 200 ".user_info.created_at==\"${tf#*=}\" and (.user_info.budget_reset_at|startswith(\"2024-06-15T00:00:00\"))"
	emu_stop
done

# the default order (created_at desc, ties in any order) skips and repeats rows
jq -n '{users:[range(0;60)|{user_id:("same-\(.)"),created_at:"2024-01-01T00:00:00.000000Z"}]}' >"$WORK/ties.json"
emu_start --seed "$WORK/ties.json" --seed-random 7
seen=""
for pg in 1 2 3 4 5 6 7; do
	seen="$seen $(curl -s "$EMU_URL/user/list?page=$pg&page_size=10" | jq -r '.users[].user_id' | tr '\n' ' ')"
done
distinct=$(echo $seen | tr ' ' '\n' | grep -c '^same-' )
uniq_n=$(echo $seen | tr ' ' '\n' | grep '^same-' | sort -u | wc -l)
[ "$distinct" = 60 ] && [ "$uniq_n" -lt 60 ] && ok "default order pages skip and repeat rows" || fail "default order hazard" "$distinct rows, $uniq_n distinct"
seen=""
for pg in 1 2 3 4 5 6 7; do
	seen="$seen $(curl -s "$EMU_URL/user/list?page=$pg&page_size=10&sort_by=user_id&sort_order=asc" | jq -r '.users[].user_id' | tr '\n' ' ')"
done
uniq_n=$(echo $seen | tr ' ' '\n' | grep '^same-' | sort -u | wc -l)
[ "$uniq_n" = 60 ] && ok "user_id order pages cleanly" || fail "user_id order pages cleanly" "$uniq_n distinct"
emu_stop

# ---------------------------------------------------------------- base URL with a path
emu_start --master-key "$MK" --path-prefix /litellm
base=$EMU_URL
EMU_URL="$base/litellm"
call GET "/user/info?user_id=default_user_id"
expect "API under --path-prefix" 200 '.user_id=="default_user_id"'
call GET "//user/info?user_id=default_user_id"
expect_body "double slash is not joined for you" 404 '{"detail":"Not Found"}'
EMU_URL=$base
call GET "/user/info?user_id=default_user_id"
expect "outside the prefix 404" 404 '.detail=="Not Found"'
admin reset
expect "test controls without the prefix" 200
sleep 0.1
tail -2 "$EMU_LOG" | jq -e -s '.[0].path=="/litellm//user/info" and .[1].path=="/user/info" and .[1].status==404' >/dev/null 2>&1 &&
	ok "log shows the path as sent" || fail "log shows the path as sent" "$(tail -2 "$EMU_LOG")"
emu_stop

# ---------------------------------------------------------------- persistence
DATA="$WORK/emu-data.json"
emu_start --master-key "$MK" --data "$DATA"
call POST /user/new '{"user_id":"keep","user_email":"keep@example.com","max_budget":2}'
call POST /team/new '{"team_id":"kt","members_with_roles":[{"role":"user","user_id":"keep"}]}'
emu_stop
[ -s "$DATA" ] && jq -e '.users|map(.user_id)|index("keep")!=null' "$DATA" >/dev/null && ok "state written at SIGTERM" || fail "state written at SIGTERM"
ls "$WORK" | grep -q 'emu-data.json.tmp' && fail "no temporary file left" || ok "no temporary file left"
grep -q '"key":' "$DATA" && fail "data file holds no key secret" || ok "data file holds no key secret"
emu_start --master-key "$MK" --data "$DATA"
call GET "/user/info?user_id=keep"
expect "user survives a restart" 200 '.user_info.max_budget==2 and .user_info.teams==["kt"] and (.keys|length)==1 and .teams[0].team_id=="kt"'
if grep -q '"max_budget":2.0' "$B"; then ok "floats survive a restart"; else fail "floats survive a restart"; fi
call POST /user/new '{"user_email":"KEEP@example.com"}'
expect "email index rebuilt after restart" 409
call POST /user/new '{"user_id":"second","auto_create_key":false}'
"$EMU" --port "$(cat "$EMU_PORTFILE")" >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "port in use refused" || fail "port in use refused" "rc $rc"
kill -INT "$EMU_PID"; wait "$EMU_PID"; rc=$?; EMU_PID=""
[ $rc = 0 ] && ok "SIGINT exits 0" || fail "SIGINT exits 0" "rc $rc"
emu_start --master-key "$MK" --data "$DATA"
call GET "/user/info?user_id=second"
expect "state saved at SIGINT too" 200
call POST /user/new '{"user_id":"third","auto_create_key":false}'
sleep 1.5
jq -e '.users|map(.user_id)|index("third")!=null' "$DATA" >/dev/null 2>&1 && ok "changes reach --data within a second" || fail "changes reach --data within a second"
kill -TERM "$EMU_PID"; wait "$EMU_PID"; rc=$?; EMU_PID=""
[ $rc = 0 ] && ok "SIGTERM exits 0" || fail "SIGTERM exits 0" "rc $rc"


# ---------------------------------------------------------------- --seed and scale
SEED="$WORK/seed.json"
jq -n '{users:[range(0;10000)|{user_id:("bulk-\(.)"),user_email:("bulk\(.)@example.com"),spend:(. / 100)}]}' >"$SEED"
emu_start --master-key "$MK" --seed "$SEED"
call GET "/user/list?page_size=1"
expect "--seed loads 10,000 users" 200 '.total==10002 and .total_pages==10002'
t0=$(date +%s%N)
for i in 1 2 3 4 5 6 7 8 9 10; do call GET "/user/info?user_id=bulk-$((i * 997))"; done
t1=$(date +%s%N)
expect "lookup among 10,000" 200 '.user_info.user_email=="bulk9970@example.com"'
[ $(( (t1 - t0) / 1000000 )) -lt 5000 ] && ok "10 lookups fast" || fail "10 lookups fast" "$(( (t1 - t0) / 1000000 )) ms"
call POST /user/new '{"user_email":"BULK5@example.com "}'
expect "email index over 10,000" 409
call GET "/user/list?page=2&page_size=100&sort_by=spend&sort_order=desc"
expect "sort 10,000 by spend" 200 '.users[0].spend==98.99 and .users[99].spend==98.0 and (.users|length)==100'
# id and email indexes under churn: 3,000 users, half deleted, then re-created by email
churn=$(python3 - "${EMU_URL#http://127.0.0.1:}" "$MK" <<'PYEOF'
import sys, json, http.client, random
c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]))
hdr = {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + sys.argv[2]}
def req(m, p, b=None):
    c.request(m, p, body=json.dumps(b) if b is not None else None, headers=hdr)
    r = c.getresponse(); return r.status, r.read()
random.seed(1)
ids = ["churn-%d-%d" % (random.randrange(10**9), i) for i in range(3000)]
req('POST', '/__emu/seed', {"users": [{"user_id": i, "user_email": i + "@x.io"} for i in ids]})
gone = set(random.sample(ids, 1500))
g = sorted(gone)
for k in range(0, 1500, 100):
    st, d = req('POST', '/user/delete', {"user_ids": g[k:k + 100]})
    if st != 200 or d != b'100': print("delete", st, d); sys.exit()
bad = 0
for i in ids:
    st, _ = req('GET', '/user/info?user_id=' + i)
    bad += (st == 404) != (i in gone)
for i in ids:
    st, _ = req('POST', '/user/new', {"user_email": " " + i.upper() + "@X.IO", "auto_create_key": False})
    bad += (st == 200) != (i in gone)
print("mismatches", bad)
PYEOF
)
[ "$churn" = "mismatches 0" ] && ok "id and email indexes stay right under churn" || fail "indexes under churn" "$churn"
emu_stop
for bad in "--data $WORK/no/such/dir/d.json" "--log $WORK/no/such/dir/l" "--port-file $WORK/no/such/dir/p"; do
	"$EMU" --port 0 $bad >"$WORK/bad.out" 2>&1; rc=$?
	[ $rc = 1 ] && grep -q 'no/such/dir' "$WORK/bad.out" && ok "unwritable ${bad%% *} refused at start" || fail "unwritable ${bad%% *}" "rc $rc $(cat "$WORK/bad.out")"
done
"$EMU" --port 0 --seed "$WORK/missing.json" >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "missing --seed file refused" || fail "missing --seed file refused" "rc $rc"
echo '{"users":' >"$WORK/bad.json"
"$EMU" --port 0 --seed "$WORK/bad.json" >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "malformed --seed file refused" || fail "malformed --seed file refused" "rc $rc"
