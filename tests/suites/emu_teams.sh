#!/bin/sh
# emu_teams.sh - the emulator's team routes against shared/spec/litellm_team.md parts 5, 6
# and 8: error bodies, permissions, update nulls, block/unblock, /v2/team/list, member_add's
# check order and duplicate bodies, member_update/member_delete per version (mid by default,
# old with --legacy), /team/list rows and order, /user/info's teams, --premium.
. "$TOP/tests/lib.sh"
. "$TOP/tests/emu/calls.sh"

q="'"   # a single quote inside the expected Python reprs

emu_start --master-key "$MK"
admin seed '{"organizations":[{"organization_id":"org-1"},{"organization_id":"org-2"},{"organization_id":"org-9"}]}'

# ---------------------------------------------------------------- organizations
call POST /team/new '{"team_id":"o0","organization_id":"org-x"}'
expect_body "team/new with an unknown organization 400" 400 '{"error":{"message":"Organization not found for organization_id=org-x","type":"internal_server_error","param":"None","code":"400"}}'
call POST /team/new '{"team_id":"o0","organization_id":""}'
expect "team/new organization_id \"\" is looked up like any id" 400 '.error.message=="Organization not found for organization_id="'
call GET "/team/info?team_id=o0"
expect "refused team/new created nothing" 404
call POST /team/new '{"team_id":"o0","organization_id":"org-1"}'
expect "team/new with a seeded organization" 200 '.organization_id=="org-1"'
call POST /team/update '{"team_id":"o0","organization_id":"org-x"}'
expect_body "team/update with an unknown organization 404" 404 '{"detail":{"error":"Organization not found, passed organization_id=org-x"}}'
call GET /__emu/dump
expect "dump lists the organizations" 200 '[.organizations[].organization_id]|sort==["org-1","org-2","org-9"]'
call POST /team/delete '{"team_ids":["o0"]}'

# ---------------------------------------------------------------- /team/new, /team/info
call POST /team/new '{"team_id":"p1","team_alias":"Perm","team_member_permissions":["/key/generate","/key/update"]}'
expect "team/new stores team_member_permissions" 200 '.team_member_permissions==["/key/generate","/key/update"] and .soft_budget==null'
expect "team/new appends the caller as admin" 200 '.members_with_roles==[{"user_id":"default_user_id","user_email":null,"role":"admin"}]'
call GET "/user/info?user_id=default_user_id"
expect "the caller's teams column lists the team" 200 '.user_info.teams==["p1"]'
call POST /team/new '{"team_id":"p0","team_member_permissions":"all"}'
expect "team/new permissions not a list 422" 422 '.detail[0].loc==["body","team_member_permissions"] and .detail[0].type=="list_type"'
call GET "/team/info?team_id=p1"
expect "team/info: permissions, team_member_budget_table" 200 '.team_info.team_member_permissions==["/key/generate","/key/update"] and (.team_info|has("team_member_budget_table")) and .team_info.team_member_budget_table==null and .keys==[]'
call GET "/team/info?team_id=it's"
expect_body "team/info 404 repr picks double quotes" 404 "{\"error\":{\"message\":\"{${q}message${q}: \\\"Team not found, passed team id: it's.\\\"}\",\"type\":\"auth_error\",\"param\":\"None\",\"code\":\"404\"}}"
call GET "/team/info?team_id="
expect "team/info empty team_id is a 404" 404 '.error.code=="404"'

# ---------------------------------------------------------------- permissions
call POST /team/update '{"team_id":"p1","team_member_permissions":["/key/delete"],"team_alias":"Perm2"}'
expect "team/update ignores team_member_permissions" 200 '.data.team_member_permissions==["/key/generate","/key/update"] and .data.team_alias=="Perm2"'
call POST /team/permissions_update '{"team_id":"p1","team_member_permissions":["/key/info","/key/list"]}'
expect "permissions_update answers the row" 200 '.team_id=="p1" and .team_member_permissions==["/key/info","/key/list"] and (has("members_with_roles"))'
call GET "/team/permissions_list?team_id=p1"
expect "permissions_list" 200 '.team_id=="p1" and .team_member_permissions==["/key/info","/key/list"] and (.all_available_permissions|index("/key/generate")!=null and index("/key/unblock")!=null)'
call POST /team/permissions_update '{"team_id":"nope","team_member_permissions":[]}'
expect_body "permissions_update unknown team 404" 404 '{"detail":{"error":"Team not found for team_id=nope"}}'
call POST /team/permissions_update '{"team_id":"p1"}'
expect "permissions_update without the list 422" 422 '.detail[0].type=="missing" and .detail[0].loc==["body","team_member_permissions"]'
call POST /team/permissions_update '{"team_id":"p1","team_member_permissions":[1]}'
expect "permissions_update items must be strings 422" 422 '.detail[0].loc==["body","team_member_permissions",0]'
admin team '{"team_id":"p1","team_member_permissions":null}'
call GET "/team/permissions_list?team_id=p1"
expect "permissions_list of a null column gives the defaults" 200 '.team_member_permissions==["/key/info","/key/health"]'
call GET "/team/permissions_list"
expect_body "permissions_list without team_id 404" 404 '{"detail":{"error":"Team not found for team_id=None"}}'

# ---------------------------------------------------------------- /team/update nulls
call POST /team/update '{"team_id":"p1","team_alias":"A","organization_id":"org-1","budget_duration":"1d","soft_budget":2,"max_budget":3,"tpm_limit":4,"rpm_limit":5,"max_parallel_requests":6}'
expect "team/update sets every column" 200 '.data.organization_id=="org-1" and .data.soft_budget==2 and .data.budget_reset_at!=null and .data.max_parallel_requests==6'
call POST /team/update '{"team_id":"p1","team_alias":null,"organization_id":null,"budget_duration":null,"soft_budget":null,"max_budget":null,"tpm_limit":null,"rpm_limit":null,"max_parallel_requests":null}'
expect "team/update null clears every nullable column" 200 '.data.team_alias==null and .data.organization_id==null and .data.budget_duration==null and .data.soft_budget==null and .data.max_budget==null and .data.tpm_limit==null and .data.rpm_limit==null and .data.max_parallel_requests==null'
call POST /team/update '{"team_id":"p1","organization_id":"org-2"}'
call POST /team/update '{"team_id":"p1","organization_id":""}'
expect "team/update organization_id \"\" unsets it" 200 '.data.organization_id==null'
for col in models metadata blocked; do
	call POST /team/update "{\"team_id\":\"p1\",\"team_alias\":\"changed\",\"$col\":null}"
	if [ "$ST" = 500 ] && [ "$(cat "$B")" = "Internal Server Error" ] && grep -qi '^content-type: text/plain' "$HD"; then
		ok "team/update $col null: plain-text 500"
	else fail "team/update $col null: plain-text 500" "$ST $(head -c 200 "$B")"; fi
done
call GET "/team/info?team_id=p1"
expect "a refused update changed nothing" 200 '.team_info.team_alias==null'

# ---------------------------------------------------------------- block / unblock
call POST /team/block '{"team_id":"p1"}'
expect "team/block answers the row" 200 '.team_id=="p1" and .blocked==true'
call GET "/team/info?team_id=p1"
expect "blocked stored" 200 '.team_info.blocked==true'
call POST /team/unblock '{"team_id":"p1"}'
expect "team/unblock" 200 '.blocked==false'
call POST /team/block '{"team_id":"ghost"}'
expect_body "team/block unknown 404" 404 '{"detail":{"error":"Team not found, passed team_id=ghost"}}'
call POST /team/unblock '{}'
expect "team/unblock without team_id 422" 422 '.detail[0].loc==["body","team_id"]'
call GET /team/block
expect "team/block is POST only" 405

# ---------------------------------------------------------------- member_add
admin reset
call POST /team/member_add '{"team_id":"zz","member":{"role":"admin","user_id":"x"}}'
expect "member_add: premium checked before the team (unknown team)" 400 '.detail.error|startswith("Assigning team admins is a premium feature. You must be a LiteLLM Enterprise user")'
call POST /team/member_add '{"team_id":"zz","member":[{"role":"user","user_id":"x"},{"role":"admin","user_id":"y"}]}'
expect "member_add list: premium message names the member" 400 '.detail.error|startswith("Assigning team admins is a premium feature. Got=user_id='"$q"'y'"$q"' user_email=None role='"$q"'admin'"$q"'. ")'
call POST /team/member_add '{"team_id":"zz","member":{"role":"user","user_id":"x"}}'
expect_body "member_add unknown team 404" 404 '{"detail":{"error":"Team not found for team_id=zz"}}'
call GET "/user/info?user_id=x"
expect "refused member_add created no user" 404
call POST /team/new '{"team_id":"t","team_alias":"T"}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_id":"u1"}}'
expect "member_add auto-creates the user" 200 '.updated_users[0].user_id=="u1" and .updated_users[0].user_role=="internal_user" and .updated_users[0].teams==["t"] and .updated_team_memberships==[]'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_id":"u1"}}'
expect_body "member_add duplicate (mid/new body)" 400 "{\"error\":{\"message\":\"User already in team. Member: user_id=u1, user_email=None. Existing members=[Member(user_id=${q}default_user_id${q}, user_email=None, role=${q}admin${q}), Member(user_id=${q}u1${q}, user_email=None, role=${q}user${q})]\",\"type\":\"team_member_already_in_team\",\"param\":\"member\",\"code\":\"400\"}}"
call POST /team/member_add '{"team_id":"t","member":[{"role":"user","user_id":"u1"},{"role":"user","user_id":"default_user_id"}]}'
expect "member_add list all present: All users are already in team" 400 '.error.type=="team_member_already_in_team" and (.error.message|startswith("All users are already in team. Existing members=[Member("))'
call POST /team/member_add '{"team_id":"t","member":[{"role":"user","user_id":"u1"},{"role":"user","user_id":"u2"}],"max_budget_in_team":3}'
expect "member_add list partly present: the new one added" 200 '[.members_with_roles[].user_id]==["default_user_id","u1","u2"]'
expect "updated_team_memberships: only rows this call created" 200 '[.updated_team_memberships[].user_id]==["u1","u2"] and .updated_team_memberships[1].litellm_budget_table.max_budget==3'
call POST /user/new '{"user_id":"byid","user_email":"ById@example.com","auto_create_key":false}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_id":"byid"}}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_email":"ById@example.com"}}'
expect "member_add by email of a member present by id: 200, roster unchanged" 200 '[.members_with_roles[]|select(.user_id=="byid")]|length==1'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_email":"mail@example.com"}}'
expect "member_add by email creates the user, entry keeps the email" 200 '.updated_users[0].user_email=="mail@example.com" and ([.members_with_roles[]|select(.user_email=="mail@example.com")|.user_id]==[.updated_users[0].user_id])'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_email":"mail@example.com"}}'
expect "member_add duplicate by email" 400 '.error.message|startswith("User already in team. Member: user_id=None, user_email=mail@example.com.")'

# ---------------------------------------------------------------- member_update (mid)
call POST /team/member_update '{"team_id":"t","user_id":"u1","max_budget_in_team":5}'
expect "member_update budget" 200 '.user_id=="u1" and .max_budget_in_team==5 and .tpm_limit==null and .rpm_limit==null'
call GET "/team/info?team_id=t"
b1=$(jq -r '.team_memberships[]|select(.user_id=="u1")|.budget_id' "$B")
expect "budget linked" 200 '[.team_memberships[]|select(.user_id=="u1")|.litellm_budget_table.max_budget]==[5]'
call POST /team/member_update '{"team_id":"t","user_id":"u1","max_budget_in_team":6,"tpm_limit":10}'
call GET "/team/info?team_id=t"
b2=$(jq -r '.team_memberships[]|select(.user_id=="u1")|.budget_id' "$B")
expect "mid: a budget update links a new budget row" 200 '[.team_memberships[]|select(.user_id=="u1")|.litellm_budget_table|[.max_budget,.tpm_limit]]==[[6,10]]'
[ -n "$b1" ] && [ "$b1" != "$b2" ] && ok "new budget_id per update" || fail "new budget_id per update" "$b1 $b2"
call POST /team/member_update '{"team_id":"t","user_id":"u1","role":"user"}'
expect "role-only member_update answers 200" 200 '.max_budget_in_team==null'
call GET "/team/info?team_id=t"
expect "mid: role-only member_update disconnects the budget" 200 '[.team_memberships[]|select(.user_id=="u1")|[.budget_id,.litellm_budget_table]]==[[null,null]]'
call POST /team/member_update '{"team_id":"t","user_id":"u2","max_budget_in_team":null}'
call GET "/team/info?team_id=t"
expect "mid: max_budget_in_team null clears" 200 '[.team_memberships[]|select(.user_id=="u2")|.litellm_budget_table]==[null]'
call POST /team/member_update '{"team_id":"t","user_id":"stranger","max_budget_in_team":1}'
expect "member_update by id of a non-member: 200" 200 '.user_id=="stranger" and .max_budget_in_team==1'
call GET "/team/info?team_id=t"
expect "... and an orphan membership row, no roster entry" 200 '([.team_memberships[]|select(.user_id=="stranger")]|length)==1 and ([.team_info.members_with_roles[]|select(.user_id=="stranger")]|length)==0'
call POST /team/member_update '{"team_id":"t","user_email":"nobody@example.com","role":"user"}'
expect_body "member_update by an email not in the roster 400" 400 "{\"detail\":{\"error\":\"User id doesn't exist in team table. Data=user_id=None user_email=${q}nobody@example.com${q} team_id=${q}t${q} role=${q}user${q} max_budget_in_team=None tpm_limit=None rpm_limit=None\"}}"
call POST /team/member_update '{"team_id":"t","user_email":"mail@example.com","max_budget_in_team":2}'
expect "member_update by roster email" 200 '.user_email=="mail@example.com" and (.user_id|length)==36'
call POST /team/member_update '{"team_id":"nope","user_id":"u1","role":"user"}'
expect_body "member_update unknown team 400" 400 '{"detail":{"error":"Team id=nope does not exist in db"}}'
call POST /team/member_update '{"team_id":"nope","user_id":"u1","role":"admin"}'
expect "member_update admin: plain-string premium detail before the team lookup" 400 '(.detail|type)=="string" and (.detail|startswith("Assigning team admins is a premium feature."))'
call POST /team/member_update '{"team_id":"t","role":"user"}'
expect_body "member_update neither id nor email 422" 422 '{"detail":[{"type":"value_error","loc":["body"],"msg":"Value error, Either user id or user email must be provided","input":{"team_id":"t","role":"user"},"ctx":{"error":{}}}]}'
call POST /team/member_update '{"team_id":"t","user_id":"u1","role":"owner"}'
expect "member_update bad role 422" 422 '.detail[0].loc==["body","role"]'

# ---------------------------------------------------------------- member_delete (mid)
admin seed '{"users":[{"user_id":"a","user_email":"x@e.com","teams":["d"]},{"user_id":"b","user_email":"x@e.com","teams":["d"]},{"user_id":"c","teams":["d"]}],"teams":[{"team_id":"d","team_alias":"D","members_with_roles":[{"user_id":"a","user_email":"x@e.com","role":"user"},{"user_id":"b","user_email":"x@e.com","role":"user"},{"user_id":"c","user_email":null,"role":"user"}],"memberships":[{"user_id":"a","team_id":"d","budget_id":null,"spend":0,"litellm_budget_table":null}]}]}'
call POST /team/member_delete '{"team_id":"d"}'
expect "member_delete neither id nor email 422" 422 '.detail[0].type=="value_error"'
call POST /team/member_delete '{"team_id":"d","user_id":"a","user_email":"x@e.com"}'
expect "member_delete removes entries matching the id or the email" 200 '[.members_with_roles[].user_id]==["c"]'
call GET "/team/info?team_id=d"
expect "mid: member_delete deletes the membership rows" 200 '.team_memberships==[]'
call GET "/user/info?user_id=a"
expect "the named user leaves the team" 200 '.user_info.teams==[]'
call GET "/user/info?user_id=b"
expect "a user matched by email only keeps its teams column" 200 '.user_info.teams==["d"]'
call POST /team/member_delete '{"team_id":"d","user_id":"a"}'
expect_body "member_delete of a non-member 400" 400 '{"detail":{"error":"User not found in team"}}'
call POST /team/member_delete '{"team_id":"nope","user_id":"a"}'
expect_body "member_delete unknown team 400" 400 '{"detail":{"error":"Team id=nope does not exist in db"}}'

# ---------------------------------------------------------------- /team/list, /user/info teams
admin reset
admin seed '{"users":[{"user_id":"m","teams":["col"]}],"teams":[
 {"team_id":"z1","team_alias":"zeta","members_with_roles":[{"user_id":"m","user_email":null,"role":"user"}],"memberships":[{"user_id":"m","team_id":"z1","budget_id":"b","spend":0,"litellm_budget_table":{"budget_id":"b","max_budget":1}},{"user_id":"o","team_id":"z1","budget_id":null,"spend":0,"litellm_budget_table":null}]},
 {"team_id":"a1","team_alias":"Alpha","organization_id":"org-1","members_with_roles":[{"user_id":"m","user_email":null,"role":"admin"}]},
 {"team_id":"n1","members_with_roles":[]},
 {"team_id":"col","team_alias":"0-column-only","members_with_roles":[]}]}'
call GET /team/list
expect "team/list sorted by alias (null first), with team_memberships and keys" 200 '[.[].team_id]==["n1","col","a1","z1"] and all(.[]; has("team_memberships") and .keys==[]) and ([.[]|select(.team_id=="z1")|.team_memberships|length]==[2])'
call GET "/team/list?user_id=m"
expect "team/list?user_id: roster teams, the user's membership rows only" 200 '[.[].team_id]==["a1","z1"] and ([.[]|select(.team_id=="z1")|.team_memberships[].user_id]==["m"])'
call GET "/team/list?organization_id=org-1"
expect "team/list?organization_id" 200 '[.[].team_id]==["a1"]'
call GET "/team/list?organization_id=default_organization"
expect "team/list?organization_id=default_organization: teams without one" 200 '[.[].team_id]==["n1","col","z1"]'
call GET "/user/info?user_id=m"
expect "/user/info teams: roster teams by alias, then the teams column" 200 '[.teams[].team_id]==["a1","z1","col"] and (.teams[0]|has("team_memberships") and has("keys")) and (.teams[2]|has("team_memberships")|not) and .user_info.teams==["col"]'

# ---------------------------------------------------------------- /v2/team/list
admin reset
admin seed '{"organizations":[{"organization_id":"org-9"}]}'
call POST /user/new '{"user_id":"lu","auto_create_key":false}'
for i in 1 2 3 4 5; do
	call POST /team/new "{\"team_id\":\"v$i\",\"team_alias\":\"Group-$i\"}"
done
call POST /team/new '{"team_id":"v6","team_alias":"other"}'
call POST /team/update '{"team_id":"v6","organization_id":"org-9"}'
call POST /team/member_add '{"team_id":"v2","member":{"role":"user","user_id":"lu"}}'
call POST /team/member_add '{"team_id":"v4","member":{"role":"user","user_id":"lu"}}'
call GET "/v2/team/list?page_size=2&sort_by=team_id&sort_order=asc"
expect "v2: page 1 by team_id" 200 '[.teams[].team_id]==["v1","v2"] and .total==6 and .page==1 and .page_size==2 and .total_pages==3 and (.teams[0]|has("members_with_roles"))'
call GET "/v2/team/list?page=3&page_size=2&sort_by=team_id"
expect "v2: last page (sort_order defaults to asc)" 200 '[.teams[].team_id]==["v5","v6"]'
call GET "/v2/team/list?team_alias=group&sort_by=team_alias&sort_order=desc"
expect "v2: team_alias is a case-insensitive contains" 200 '[.teams[].team_id]==["v5","v4","v3","v2","v1"] and .total==5'
call GET "/v2/team/list?team_id=v3"
expect "v2: team_id exact" 200 '[.teams[].team_id]==["v3"]'
call GET "/v2/team/list?organization_id=org-9"
expect "v2: organization_id" 200 '[.teams[].team_id]==["v6"]'
call GET "/v2/team/list?user_id=lu&sort_by=team_id"
expect "v2: user_id filters by the user's teams" 200 '[.teams[].team_id]==["v2","v4"]'
call GET "/v2/team/list?user_id=ghost"
expect_body "v2: unknown user 404" 404 '{"detail":{"error":"User not found, passed user_id=ghost"}}'
call GET "/v2/team/list?user_id=lu&team_id=v1"
expect_body "v2: team the user is not in 404" 404 '{"detail":{"error":"User is not a member of team_id=v1"}}'
call GET "/v2/team/list"
expect "v2: defaults (page 1, size 10, created_at desc)" 200 '.page==1 and .page_size==10 and (.teams|length)==6'
call GET "/v2/team/list?sort_by=spend&sort_order=sideways&page_size=6"
expect "v2: unknown sort_by falls back to the default order" 200 '(.teams|length)==6'
call GET "/v2/team/list?page_size=101"
expect "v2: page_size over 100 -> 422" 422 '.detail[0].loc==["query","page_size"]'
call GET "/v2/team/list?page=0"
expect "v2: page 0 -> 422" 422 '.detail[0].loc==["query","page"]'

# ---------------------------------------------------------------- team/delete and the caller
call POST /team/delete '{"team_ids":["v2"]}'
call GET "/user/info?user_id=lu"
expect "team/delete: roster members leave the team" 200 '.user_info.teams==["v4"]'
admin user/delete '{"user_id":"default_user_id"}'
call POST /team/new '{"team_id":"w"}'
call GET "/user/info?user_id=default_user_id"
expect "team/new re-creates a missing caller row" 200 '.user_info.teams==["w"]'

# ---------------------------------------------------------------- --premium
admin config '{"premium":true}'
call POST /team/member_add '{"team_id":"w","member":{"role":"admin","user_id":"boss"}}'
expect "premium: admin member_add" 200 '[.members_with_roles[]|select(.user_id=="boss")|.role]==["admin"]'
call POST /team/member_add '{"team_id":"w","member":{"role":"user","user_id":"pleb"}}'
call POST /team/member_update '{"team_id":"w","user_id":"pleb","role":"admin"}'
call GET "/team/info?team_id=w"
expect "premium: member_update to admin" 200 '[.team_info.members_with_roles[]|select(.user_id=="pleb")|.role]==["admin"]'
emu_stop

# ---------------------------------------------------------------- --legacy (old servers)
emu_start --master-key "$MK" --legacy
call POST /team/new '{"team_id":"t","team_alias":"T"}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_id":"u1"}}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_id":"u1"}}'
expect_body "legacy: duplicate member body" 400 "{\"detail\":{\"error\":\"User=u1 already in team. Existing members=[Member(role=${q}admin${q}, user_id=${q}default_user_id${q}, user_email=None), Member(role=${q}user${q}, user_id=${q}u1${q}, user_email=None)]\"}}"
call POST /team/member_add '{"team_id":"t","member":{"role":"admin","user_id":"u9"}}'
expect "legacy: member_add admin still premium" 400 '.detail.error|contains("premium")'
call POST /team/member_update '{"team_id":"t","user_id":"u1","max_budget_in_team":5}'
expect "legacy: member_update answer has no tpm/rpm" 200 '.max_budget_in_team==5 and (has("tpm_limit")|not)'
call POST /team/member_update '{"team_id":"t","user_id":"u1","role":"user"}'
call POST /team/member_update '{"team_id":"t","user_id":"u1","max_budget_in_team":null}'
call GET "/team/info?team_id=t"
expect "legacy: role-only keeps the budget, null ignored" 200 '[.team_memberships[]|select(.user_id=="u1")|.litellm_budget_table.max_budget]==[5] and (.team_info|has("team_member_budget_table")|not)'
call POST /team/member_update '{"team_id":"t","user_id":"u1","max_budget_in_team":7}'
call GET "/team/info?team_id=t"
expect "legacy: a budget update edits the linked row" 200 '[.team_memberships[]|select(.user_id=="u1")|.litellm_budget_table.max_budget]==[7]'
call POST /team/member_update '{"team_id":"t","user_id":"u1","role":"admin"}'
expect "legacy: member_update lets the admin role through" 200
call POST /team/member_delete '{"team_id":"t","user_id":"u1"}'
call GET "/team/info?team_id=t"
expect "legacy: member_delete keeps the membership row" 200 '([.team_memberships[]|select(.user_id=="u1")]|length)==1 and ([.team_info.members_with_roles[].user_id]|index("u1")==null)'
call POST /user/new '{"user_id":"e1","user_email":"same@example.com","auto_create_key":false}'
call POST /user/new '{"user_id":"e2","user_email":"same@example.com","auto_create_key":false}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_email":"same@example.com"}}'
expect "legacy: member_add by an email two users share -> 500" 500 '.detail.error|contains("Multiple users with this email found in db")'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_id":"e1"}}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_email":"other@example.com"}}'
call POST /user/update '{"user_id":"e1","user_email":"e1@example.com"}'
call POST /team/member_add '{"team_id":"t","member":{"role":"user","user_email":"e1@example.com"}}'
expect "legacy: by email of a member present by id adds a second entry" 200 '[.members_with_roles[]|select(.user_id=="e1")]|length==2'
emu_stop

# ---------------------------------------------------------------- --roster-race-ms (lost updates)
emu_start --master-key "$MK" --roster-race-ms 400
call POST /team/new '{"team_id":"r"}'
for u in r1 r2 r3 r4; do
	curl -s -o /dev/null -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' \
		-d "{\"team_id\":\"r\",\"member\":{\"role\":\"user\",\"user_id\":\"$u\"}}" "$EMU_URL/team/member_add" &
	pids="$pids $!"
done
wait $pids; pids=""
call GET "/team/info?team_id=r"
expect "concurrent member_adds on one team lose updates" 200 '([.team_info.members_with_roles[].user_id]|length) < 5 and ([.team_info.members_with_roles[].user_id]|index("default_user_id")==0)'
call GET "/user/info?user_id=r3"
expect "... while every user's teams column was written" 200 '.user_info.teams==["r"]'
for u in s1 s2 s3; do call POST /team/member_add "{\"team_id\":\"r\",\"member\":{\"role\":\"user\",\"user_id\":\"$u\"}}"; done
call GET "/team/info?team_id=r"
expect "one at a time, none is lost" 200 '[.team_info.members_with_roles[].user_id]|(index("s1")!=null and index("s2")!=null and index("s3")!=null)'
admin config '{"roster_race_ms":0}'
expect "roster_race_ms at run time" 200 '.roster_race_ms==0'
for u in q1 q2 q3; do
	curl -s -o /dev/null -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' \
		-d "{\"team_id\":\"r\",\"member\":{\"role\":\"user\",\"user_id\":\"$u\"}}" "$EMU_URL/team/member_add" &
	pids="$pids $!"
done
wait $pids; pids=""
call GET "/team/info?team_id=r"
expect "without it concurrent adds all land (new servers lock)" 200 '[.team_info.members_with_roles[].user_id]|(index("q1")!=null and index("q2")!=null and index("q3")!=null)'
emu_stop
