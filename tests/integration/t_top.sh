#!/bin/bash
# t_top: herd top -n 1 prints one frame as plain text: a running job on its
# GPU (job and user on node1's GPU rows), a pending job with its reason and
# expected start in the queue, an ended job under the recent ends; it fits
# COLUMNS=80 LINES=24 and a wide terminal; more frames (the live view) are
# refused with the reason.

. "$(dirname "$0")/lib.sh"

setup_herdd

tag="97.$UNIQ"
me=$(id -un)
e=$(submit --wrap true)
wait_state "$e" COMPLETED 30
a=$(submit --gpus 5 --time 10:00 --wrap "sleep $tag")
wait_state "$a" RUNNING 30
w=$(submit --gpus 8 --time 5:00 -J "top-waits" --wrap true)
for ((i = 0; i < 200; i++)); do
	[ "$(field "$w" .planned_node)" = node1 ] && break
	sleep 0.1
done
assert_eq "job $w: [state, reason, planned_node]" '["PENDING","Resources","node1"]' \
    "$(show_json "$w" | jq -c '[.state, .reason, .planned_node]')"
# As herd top writes it: the time today, "MM-DD HH:MM" another day (a plan
# past midnight, as when the test runs at 23:55).
ps=$(field "$w" .planned_start)
if [ "$(date -d "$ps" +%F)" = "$(date +%F)" ]; then
	plan=$(date -d "$ps" +%H:%M:%S)
else
	plan=$(date -d "$ps" '+%m-%d %H:%M')
fi

out=$(COLUMNS=200 LINES= herd top -n 1) || fail "herd top -n 1: status $?: $out"
grep -q "^node1 .* job $a ($me)" <<<"$out" ||
    fail "herd top: no GPU row of node1 with job $a ($me): $out"
[ "$(grep -c "job $a ($me)" <<<"$out")" = 5 ] ||
    fail "herd top: job $a should hold 5 GPU rows: $out"
grep -q '\[[#-]*\] [0-9.]*/[0-9.]*G' <<<"$out" || fail "herd top: no memory bar: $out"
line=$(grep "^$w " <<<"$out") || fail "herd top: no queue row for job $w: $out"
[[ $line == *" $me "*"top-waits"*" PENDING "*" node1 "*" $plan "*"Resources"* ]] ||
    fail "herd top: job $w: '$line' (want PENDING, node1, $plan, Resources)"
grep -q "^$a .* RUNNING .* node1 " <<<"$out" || fail "herd top: no running row for $a: $out"
grep -A99 '^ENDED' <<<"$out" | grep -q "^$e .* COMPLETED " ||
    fail "herd top: job $e not under the recent ends: $out"

# 80x24: at most 24 lines, none wider than 80, every section there.
small=$(COLUMNS=80 LINES=24 herd top -n 1) || fail "herd top at 80x24: status $?"
[ "$(wc -l <<<"$small")" -le 24 ] || fail "herd top at 80x24: $(wc -l <<<"$small") lines: $small"
while IFS= read -r l; do
	[ "$(printf '%s' "$l" | wc -m)" -le 80 ] || fail "herd top at 80 columns: '$l'"
done <<<"$small"
for h in NODE JOBID ENDED; do
	grep -q "^$h " <<<"$small" || fail "herd top at 80x24: no $h section: $small"
done
grep -q "job $a" <<<"$small" || fail "herd top at 80x24: no job $a: $small"
grep -q "^$w .*Resou" <<<"$small" || fail "herd top at 80x24: no pending $w: $small"

# Into a pipe, without -n: the same one frame.
herd top | grep -q "^$w " || fail "herd top into a pipe: no frame"
# The live view is not there yet: refused, not printed once.
err=$(herd top -n 2 2>&1) && fail "herd top -n 2 succeeded: $err"
grep -q "live view" <<<"$err" || fail "herd top -n 2: $err"

herd cancel "$a" "$w" >/dev/null
