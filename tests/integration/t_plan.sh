#!/bin/bash
# t_plan: every pending job has a reason and, where herdd plans it, a start.
# A 5-GPU job runs on node1 (the only node with 5 GPUs; best fit) with a 10-minute limit;
# an 8-GPU job behind it waits for Resources, planned on node1 when the
# first reaches its limit (herd queue --start, --json, and a sentence in
# herd show); a second 8-GPU job waits for Priority with no planned start
# (N/A).  With `reservations = 2` (herd reconfigure) the second is planned
# too: after the first's limit, on node1.

. "$(dirname "$0")/lib.sh"

setup_herdd

tag="83.$UNIQ"
secs() { date -d "$1" +%s; }

a=$(submit --gpus 5 --time 10:00 --wrap "sleep $tag")
wait_state "$a" RUNNING 30
assert_eq "node of job $a" node1 "$(field "$a" .node)"
w=$(submit --gpus 8 --time 5:00 --wrap true)
b=$(submit --gpus 8 --time 5:00 --wrap true)
for ((i = 0; i < 200; i++)); do
	[ "$(field "$w" .planned_node)" = node1 ] && [ "$(field "$b" .reason)" = Priority ] && break
	sleep 0.1
done
assert_eq "job $w: [state, reason, planned_node]" '["PENDING","Resources","node1"]' \
    "$(show_json "$w" | jq -c '[.state, .reason, .planned_node]')"
start_a=$(secs "$(field "$a" .start_time)")
plan_w=$(secs "$(field "$w" .planned_start)")
assert_eq "job $w: planned start (job $a's start + its limit)" "$((start_a + 600))" "$plan_w"
assert_eq "job $b: [reason, planned_start]" '["Priority",null]' \
    "$(show_json "$b" | jq -c '[.reason, .planned_start]')"

# herd queue --start: the pending jobs only, as squeue --start.
out=$(herd queue --start --noheader)
grep -q "^ *$a " <<<"$out" && fail "herd queue --start lists running job $a: $out"
line_w=$(grep "^ *$w " <<<"$out") || fail "herd queue --start: no job $w: $out"
want_w=$(date -d "@$plan_w" +%Y-%m-%dT%H:%M:%S)
[[ $line_w == *" $want_w "*" node1 "*"(Resources)"* ]] ||
    fail "herd queue --start: job $w: '$line_w' (want $want_w, node1, (Resources))"
line_b=$(grep "^ *$b " <<<"$out") || fail "herd queue --start: no job $b: $out"
[[ $line_b == *" N/A "*" (null) "*"(Priority)"* ]] ||
    fail "herd queue --start: job $b: '$line_b' (want N/A, (null), (Priority))"
herd queue --start | head -1 | grep -q "START_TIME.*SCHEDNODES.*NODELIST(REASON)" ||
    fail "herd queue --start: header: $(herd queue --start | head -1)"
assert_eq "herd queue --start --json: [id, planned_node] of the pending jobs" \
    "[[$w,\"node1\"],[$b,null]]" \
    "$(herd queue --start --json | jq -c '[.[] | [.id, .planned_node]]')"

# herd show says why, in a sentence.
why=$(herd show "$w" | sed -n 's/^why  *//p')
want="waits for 8 GPUs, 1 CPU on node1, expected to start at $want_w when job $a reaches its time limit"
case $why in
"waits for 8 GPUs, "*" on node1, expected to start at $want_w when job $a reaches its time limit") ;;
*) fail "herd show $w: why '$why' (want like '$want')" ;;
esac
herd show "$b" | grep -q '^why  *waits behind jobs of higher priority' ||
    fail "herd show $b: $(herd show "$b" | grep '^why')"
herd show "$a" | grep -q '^why' && fail "herd show $a (running) has a why line"

# reservations = 2: the second is planned after the first's limit.
sed -i 's/^\[controller\]$/[controller]\nreservations = 2/' "$HOSTS"
out=$(herd reconfigure) || fail "herd reconfigure failed: $out"
grep -q "reservations: 1 -> 2" <<<"$out" || fail "herd reconfigure said '$out'"
for ((i = 0; i < 200; i++)); do
	[ "$(field "$b" .reason)" = Resources ] && break
	sleep 0.1
done
assert_eq "job $b: [reason, planned_node]" '["Resources","node1"]' \
    "$(show_json "$b" | jq -c '[.reason, .planned_node]')"
assert_eq "job $b: planned start (job $w's + its limit)" "$((plan_w + 300))" \
    "$(secs "$(field "$b" .planned_start)")"
herd show "$b" | grep -q "^why .* when job $w (planned to start before it) reaches its time limit" ||
    fail "herd show $b: $(herd show "$b" | grep '^why')"

herd cancel "$a" "$w" "$b" >/dev/null || fail "herd cancel failed"
wait_jobs 30 "$a" "$w" "$b"
assert_idle
