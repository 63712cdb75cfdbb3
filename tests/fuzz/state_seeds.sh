#!/bin/sh
# state_seeds.sh DIR: writes fuzz_state's seed inputs into DIR (the first byte picks the
# mode: 0 state file, 1 state NUL journal, 2 HTTP answer, 3 JSON value, 4 .tfvars,
# 5 .tfvars.json).
d=$1
# seed BYTE NAME: stdin, after the mode byte, becomes DIR/NAME
seed() { { printf "$1"; cat; } >"$d/$2"; }
for f in state/examples/*.tfstate; do seed '\000' "state-$(basename "$f")" <"$f"; done
lin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lineage"])' state/examples/users.tfstate)
{ cat state/examples/users.tfstate; printf '\000'
  printf '{"journal":1,"lineage":"%s"}\n' "$lin"
  printf '{"op":"intent","addr":"litellm_user.new","id":"u-new","action":"create"}\n'
  printf '{"op":"set","addr":"litellm_user.new","instance":{"provider":"provider[\\"registry.terraform.io/ncecere/litellm\\"]","attributes":{"id":"u-new","user_id":"u-new"},"sensitive_attributes":[],"dependencies":[]}}\n'
  printf '{"op":"intent","addr":"litellm_user.gone[\\"k\\"]","id":"g","action":"replace"}\n'
  printf '{"op":"remove","addr":"litellm_user.gone[\\"k\\"]"}\n'
  printf '{"op":"forget","addr":"litellm_user.x[3]"}\n{"op":"set","addr":"litellm_user.to'
} | seed '\001' s1
printf '{"journal":1,"lineage":"3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"}\n{"op":"intent","addr":"litellm_user.a","id":"a","action":"create"}\n' | seed '\001' s2
printf '\310\000\000{"user_id":"u1","user_email":"a@b.c","key":"sk-1","teams":[],"max_budget":1e308}' | seed '\002' s3
printf '\221\001\002{"error":{"message":"{\x27error\x27: \x27User with id bob already exists\x27}","type":"x","code":"409"}}' | seed '\002' s4
printf '\246\001\006{"detail":[{"type":"enum","loc":["body","user_role"],"msg":"Input should be","input":"boss"}]}' | seed '\002' s5
printf '\366\001\001<html><body>502 Bad Gateway</body></html>' | seed '\002' s6
printf '{"a":[1,2.5e300,"x\\u0000y",{"b":null,"c":true}],"d":"\\ud83d\\ude00"}' | seed '\003' s7
printf 'api_key = "sk-x"\nusers = ["a", "b"]\nbudget = 1e400\nm = { a = 1, "b" = [true, null] }\n' | seed '\004' s8
printf '{"api_key":"sk-x","users":["a","b"],"n":12345678901234567890,"m":{"a":{"b":[]}}}' | seed '\005' s9
