#!/bin/bash
# t_service_replicas: herd service start --replicas 2 on the test cluster's
# real nodes: two replicas of python3 -m http.server, each its own job
# (array tasks 0 and 1) on a node of its own, each RUNNING and HEALTHY
# with its node:port in herd service ls; herd service show lists both,
# herd service logs --replica picks one and refuses one out of range.  A curl loop (every
# ~0.1 s) through herd port-forward web runs while herd service restart
# web rolls both replicas: no curl fails, both replicas end on attempt 2,
# herd service ls never shows both down, a second restart during the roll
# is refused, and the rolls are requeues (attempt 1 REQUEUED in history,
# no restart counted).  Then herdd SIGKILLed and started again: both
# replicas still RUNNING, on attempt 2, and exactly 2 servers on the
# nodes.  Last, a roll left half done by a SIGKILLed herdd is finished by
# the next one.

. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (scripts/deps installs it)"
command -v curl >/dev/null || fail "curl is needed (scripts/deps installs it)"
setup_herdd
tag="16$UNIQ"
dir=$WORK/site$tag
mkdir -p "$dir" && echo "served $tag" >"$dir/index.html"

svc() {	# svc JQ: a field of web's entry in herd service ls --json
	herd service ls --json | jq -r ".[] | select(.name == \"web\") | $1"
}
wait_svc() {	# wait_svc JQ-CONDITION SECONDS: 0 once web's entry meets it
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(svc "$1")" = true ] && return 0
		sleep 0.1
	done
	return 1
}
servers() { pgrep -fc -- "http.server.*site$tag"; }
wait_replicas() {	# wait_replicas JQ WANT: until herd service show's replicas give WANT
	local i a
	for ((i = 0; i < 900; i++)); do
		a=$(herd service show web --json | jq -r "[.[] | $1] | join(\",\")")
		[ "$a" = "$2" ] && return 0
		sleep 0.1
	done
	echo "$a"
	return 1
}

# --- hostile --replicas values are refused before anything is queued.
for bad in 0 17 -1 2x "" 99999999999999999999; do
	out=$(herd service start bad --replicas "$bad" -- true 2>&1) &&
	    fail "--replicas '$bad' was taken: $out"
	grep -q -- "--replicas takes a whole number from 1 to 16" <<<"$out" ||
	    fail "--replicas '$bad' said: $out"
done
out=$(herd service start bad --array 0-1 -- true 2>&1) && fail "--array was taken: $out"
grep -q -- "--replicas N" <<<"$out" || fail "--array said: $out"

# --- two replicas, each its own job with its own port.
out=$(herd service start web --replicas 2 --port --health-http /index.html \
    --health-interval 1s --health-retries 2 -- sh -c \
    'exec python3 -m http.server "$HERD_PORT" --directory "$1"' sh "$dir") ||
    fail "herd service start --replicas 2 failed: $out"
id=$(sed -n 's/^Submitted service web as job \([0-9]*\) (2 replicas: .*)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd service start printed '$out'"
wait_svc '.replicas_up == 2 and (.endpoints | length) == 2' 60 ||
    fail "two replicas never up: $(herd service ls)"
assert_eq "ls: replicas wanted, state, health" "2 RUNNING healthy" \
    "$(svc '"\(.replicas) \(.state) \(.health)"')"
herd service ls | grep -q "^web .* RUNNING *healthy *2/2 " || fail "herd service ls: $(herd service ls)"
for ep in $(svc '.endpoints[]'); do
	[[ $ep =~ ^node[0-9]+:[0-9]+$ ]] || fail "endpoint '$ep'"
done
assert_eq "servers running" 2 "$(servers)"
# Placed apart: four nodes can each take one (a soft preference).
assert_eq "nodes of the two replicas" 2 "$(svc '[.endpoints[] | sub(":.*"; "")] | unique | length')"
show=$(herd service show web --json) || fail "herd service show web --json failed"
assert_eq "show: each replica's task and state" "0 RUNNING,1 RUNNING" \
    "$(jq -r '[.[] | "\(.array_task_id) \(.state)"] | join(",")' <<<"$show")"
mapfile -t jobs < <(jq -r '.[].id' <<<"$show")
herd service show web | grep -q "^REPLICA " || fail "herd service show web: $(herd service show web)"

# logs: replica 1's own output; an out-of-range replica refused.
curl -s --max-time 5 "http://127.0.0.1:$(svc '.endpoints[1]' | sed 's/.*://')/index.html" >/dev/null || true
out=$(herd service logs web --replica 16 2>&1); rc=$?
assert_eq "logs --replica 16: status" 2 "$rc"
grep -q "replica's number, 0 to 15" <<<"$out" || fail "logs --replica 16 said: $out"
out=$(herd service logs web --replica 2 2>&1); rc=$?
assert_eq "logs --replica 2 of 2: status" 2 "$rc"
grep -q "has 2 replicas (0 to 1): no replica 2" <<<"$out" || fail "logs --replica 2 said: $out"
herd service logs web --replica 1 >/dev/null || fail "herd service logs web --replica 1 failed"

# --- a curl loop through herd port-forward while the replicas roll.
fwd_start "to service web: 2 replicas.*" web
fpid=$FWD_PID lp=$FWD_PORT
stopf=$TEST_DIR/stop.curl
(
	ok=0 bad=0
	while [ ! -e "$stopf" ]; do
		if [ "$(curl -sf --max-time 10 "http://127.0.0.1:$lp/index.html")" = "served $tag" ]; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1)); date +%T.%N >>"$TEST_DIR/curl.failed"
		fi
		sleep 0.1
	done
	echo "$ok $bad" >"$TEST_DIR/curl.count"
) &
cpid=$!
(	# each replica's state, sampled while the roll goes on
	while [ ! -e "$stopf" ]; do
		herd service ls --json 2>/dev/null |
		    jq -r '.[] | select(.name == "web") | .replicas_up' >>"$TEST_DIR/up.samples"
		sleep 0.1
	done
) &
spid=$!
sleep 1
out=$(herd service restart web) || fail "herd service restart web failed: $out"
assert_eq "herd service restart web" "Restarting service web: 2 replicas, one at a time" "$out"
out=$(herd service restart web 2>&1) && fail "a second restart during the roll was taken: $out"
grep -q "is being restarted already" <<<"$out" || fail "the second restart said: $out"
a=$(wait_replicas '"\(.attempt) \(.state) \(.health) \(.roll)"' "2 RUNNING healthy 0,2 RUNNING healthy 0")
rolled=$?
sleep 1
touch "$stopf"
wait "$cpid" "$spid"
[ "$rolled" = 0 ] || fail "the roll did not end with both on attempt 2, healthy: $a ($(herd service show web))"
read -r ok bad <"$TEST_DIR/curl.count"
note "curls through the forward during the roll: $ok answered, $bad failed"
assert_eq "failed curls during the roll" 0 "$bad"
[ "$ok" -ge 20 ] || fail "only $ok curls during the roll"
nsamples=$(wc -l <"$TEST_DIR/up.samples")
assert_eq "samples with no replica up (of $nsamples)" 0 "$(grep -cx 0 "$TEST_DIR/up.samples")"
grep -qx 1 "$TEST_DIR/up.samples" || fail "no sample saw a replica down: the roll was not seen"
for j in "${jobs[@]}"; do
	assert_eq "job $j's attempt 1 (herd show's attempts)" "REQUEUED restart" \
	    "$(field "$j" '.attempts[0] | "\(.state) \(.reason)"')"
done
assert_eq "restarts counted by the policy" 0 "$(svc .restarts)"
assert_eq "servers running after the roll" 2 "$(servers)"
kill -INT "$fpid"; wait "$fpid"

# --- herdd SIGKILLed and started again: each replica once.
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
sleep 3
assert_eq "replicas after herdd's restart" "2 RUNNING,2 RUNNING" \
    "$(herd service show web --json | jq -r '[.[] | "\(.attempt) \(.state)"] | join(",")')"
assert_eq "servers after herdd's restart" 2 "$(servers)"

# --- a roll that herdd's SIGKILL cut short is finished by the next herdd.
out=$(herd service restart web --json) || fail "the second roll was refused: $out"
assert_eq "herd service restart --json" "web 2 true" "$(jq -r '"\(.service) \(.replicas) \(.rolling)"' <<<"$out")"
# Killed once replica 0 is back (attempt 3, healthy) and replica 1 drains
# (its 2 s before the stop), not between a launch and its start event: an
# attempt the next herdd adopts from its node's answer alone has no port
# (a gap of --port's adoption, apart from the roll).
for ((i = 0; i < 300; i++)); do
	herd service show web --json | jq -e '.[0].attempt == 3 and .[0].roll == 0 and
	    .[1].attempt == 2 and .[1].roll == 2' >/dev/null && break
	sleep 0.05
done
[ "$i" -lt 300 ] || fail "replica 1 never seen draining in the second roll: $(herd service show web)"
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
a=$(wait_replicas '"\(.attempt) \(.state) \(.roll)"' "3 RUNNING 0,3 RUNNING 0") ||
    fail "the roll cut by herdd's restart did not finish: $a"
wait_svc '.replicas_up == 2' 30 || fail "not both up after the second roll: $(herd service ls)"
assert_eq "servers after the second roll" 2 "$(servers)"

herd service stop web >/dev/null || fail "herd service stop web failed"
wait_gone "http.server.*site$tag" 15 || fail "servers still run after herd service stop"
sleep 2
assert_idle
