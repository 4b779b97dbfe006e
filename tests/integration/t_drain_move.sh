#!/bin/bash
# t_drain_move: herd drain NODE --move-services.  A --port service
# (python3 -m http.server "$HERD_PORT") runs on some node A beside a batch
# job pinned there; herd drain A --move-services stops the service there
# and starts it on another node B as attempt 2 (attempt 1 REQUEUED with
# the move's reason in herd history, no restart counted), where it answers
# curl through herd port-forward; the batch job runs on on A, which is
# DRAINING.  A plain drain of B then moves nothing.

. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (scripts/deps installs it)"
command -v curl >/dev/null || fail "curl is needed (scripts/deps installs it)"
setup_herdd
tag="16$UNIQ"
dir=$WORK/site$tag
mkdir -p "$dir" && echo "moved $tag" >"$dir/index.html"

out=$(herd service start web --port --max-restarts 0 -- sh -c \
    'exec python3 -m http.server "$HERD_PORT" --directory "$1"' sh "$dir" 2>&1) ||
    fail "herd service start web: $out"
id=$(sed -n 's/^Submitted service web as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd service start printed '$out'"
wait_state "$id" RUNNING 30
a=$(field "$id" .node)
bj=$(submit -w "$a" --wrap "sleep 300.$tag")
wait_state "$bj" RUNNING 30
at_exit "pkill -KILL -f 'sleep 300.$tag'; true"

out=$(herd drain "$a" --move-services --reason "fan swap" 2>&1) ||
    fail "herd drain $a --move-services: $out"
grep -q "^$a: service web (job $id) stopped here, to start on another node$" <<<"$out" ||
    fail "herd drain's report: $out"
for ((i = 0; i < 300; i++)); do
	st=$(field "$id" '"\(.state) \(.attempt)"')
	[ "$st" = "RUNNING 2" ] && break
	sleep 0.1
done
assert_eq "the service after the move" "RUNNING 2" "$st"
b=$(field "$id" .node)
[ "$b" != "$a" ] || fail "the service started again on the drained node $a"
assert_eq "restarts after a move" 0 "$(field "$id" .restarts)"
assert_eq "the batch job on $a" "RUNNING $a" "$(field "$bj" '"\(.state) \(.node)"')"
assert_eq "$a's state" DRAINING "$(node_field "$a" .state)"
assert_eq "servers running" 1 "$(pgrep -fc -- "http.server.*site$tag")"

# It answers on B, through herd port-forward.
fwd_start "to job $id on $b port .*" web
fpid=$FWD_PID lp=$FWD_PORT
body=
for ((i = 0; i < 100; i++)); do
	body=$(curl -s --max-time 2 "http://127.0.0.1:$lp/index.html") && [ -n "$body" ] && break
	sleep 0.1
done
assert_eq "curl through herd port-forward web (on $b)" "moved $tag" "$body"
kill -INT "$fpid"; wait "$fpid"

# A plain drain moves nothing.
out=$(herd drain "$b" 2>&1) || fail "herd drain $b: $out"
grep -q "service web" <<<"$out" && fail "a plain drain moved it: $out"
sleep 1
assert_eq "the service after a plain drain" "RUNNING 2 $b" "$(field "$id" '"\(.state) \(.attempt) \(.node)"')"
out=$(herd resume "$b" --move-services 2>&1) && fail "herd resume took --move-services: $out"
herd resume "$a" "$b" >/dev/null || fail "herd resume"
herd service stop web >/dev/null || fail "herd service stop web"
herd cancel "$bj" >/dev/null || fail "herd cancel $bj"
wait_state "$id" CANCELLED 20
wait_state "$bj" CANCELLED 20
assert_eq "attempt 1 in herd history" "REQUEUED moved: its node was drained (herd drain --move-services)" \
    "$(hist_of "$id" '.attempts[0] | "\(.state) \(.reason)"')"
