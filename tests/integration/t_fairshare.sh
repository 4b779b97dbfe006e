#!/bin/bash
# t_fairshare: fair share reorders two users' queued jobs (issue 13).  In a
# lab of two accounts (node2 drained: one node of 2 CPUs; the lab test
# nodes have no GPUs, so usage is CPU-hours), user A has used the node and
# B has not; with the node busy, A queues a job and then B does, both for
# all of it.  B's
# later job starts first (FCFS would start A's), and herd priority says
# why: B's fair-share factor is above A's.  A restart of herdd between the
# usage and the queueing keeps the usage (the database's usage table): the
# order after it is the fair-share order, and herd usage still shows A's
# GPU-hours.  -A: an account the user is not in is refused naming theirs.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hfa${UNIQ:0:10} B=hfb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
lab_config
printf '\n[account ga]\nusers = %s\n\n[account gb]\nusers = %s\n' "$A" "$B" >>"$LAB"
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done
"$SD/bin/herd" -s "$SD/run/herd.sock" drain node2 --reason "one node" >/dev/null ||
    fail "root's herd drain node2 failed"
mkdir -m 1777 "$SD/o"
ORDER=$SD/o/order
install -m 666 /dev/null "$ORDER"

# -A: one's own account, or refused naming one's own.
out=$(as "$A" submit --test-only -A gb --wrap true 2>&1) &&
    fail "$A's job under $B's account gb was accepted: $out"
grep -q "is not in account gb ($A's account: ga)" <<<"$out" ||
    fail "the refusal of -A gb does not name $A's account: $out"
out=$(as "$A" submit --test-only -A ga --wrap true 2>&1) || fail "-A ga refused: $out"

# A's usage: node1's 2 CPUs for a few seconds.
u=$(as "$A" submit --parsable --cpus 2 --wrap "sleep 3" 2>&1) || fail "submit: $u"
for ((i = 0; i < 300; i++)); do
	[ "$(as "$A" show --json "$u" | jq -r .state)" = COMPLETED ] && break
	sleep 0.1
done
assert_eq "state of $A's job $u" COMPLETED "$(as "$A" show --json "$u" | jq -r .state)"
assert_eq "account of $u" ga "$(as "$A" show --json "$u" | jq -r .account)"
as "$A" show "$u" | grep -q "ga" || fail "herd show $u does not show its account"

# Restart: the usage is the database's.
stop_herdd "$HERDD_PID"
start_svc
wait_nodes_up 1 30 "$LAB"	# node2 stays drained
usage=$(as "$A" usage --all --json) || fail "herd usage failed: $usage"
ua=$(jq -r --arg u "$A" '.[] | select(.user == $u) | .raw_usage' <<<"$usage")
awk -v x="$ua" 'BEGIN { exit !(x > 0) }' || fail "after a restart $A's usage is \"$ua\": $usage"
# The hours of a period (as sreport): 2 CPUs for 3 s or so in the last hour,
# in A's line and in its account's; none in the hour before.
per=$(as "$A" usage -S now-1hour --json) || fail "herd usage -S now-1hour failed: $per"
ch=$(jq -r --arg u "$A" '.[] | select(.user == $u) | .cpu_hours' <<<"$per")
awk -v x="$ch" 'BEGIN { exit !(x > 5 / 3600 && x < 30 / 3600) }' ||
    fail "$A's CPU-hours in the last hour: \"$ch\" (2 CPUs for about 3 s): $per"
assert_eq "account ga's CPU-hours in the last hour" "$ch" \
    "$(jq -r '.[] | select(.account == "ga" and .user == null) | .cpu_hours' <<<"$per")"
per=$(as "$A" usage -S now-2hours -E now-1hour --json) || fail "herd usage -S -E failed: $per"
assert_eq "$A's CPU-hours in the hour before" "0" \
    "$(jq -r --arg u "$A" '.[] | select(.user == $u) | .cpu_hours' <<<"$per")"
as "$A" usage -S now-1hour | head -n 1 | grep -q "GPU_HOURS *CPU_HOURS$" ||
    fail "herd usage -S lacks its GPU_HOURS and CPU_HOURS columns"
out=$(as "$A" usage -S teatime 2>&1) && fail "herd usage -S teatime was taken: $out"
case $out in
*'invalid -S "teatime": a period'*) ;;
*) fail "herd usage -S teatime: expected the bound refused, got: $out" ;;
esac

# node1 busy; then A's job, then B's, both for all of it.
blk=$(as "$A" submit --parsable --cpus 2 --wrap "sleep 4") || fail "submit: $blk"
for ((i = 0; i < 300; i++)); do
	[ "$(as "$A" show --json "$blk" | jq -r .state)" = RUNNING ] && break
	sleep 0.1
done
a1=$(as "$A" submit --parsable --cpus 2 --wrap "echo a1 >>$ORDER") || fail "submit: $a1"
sleep 1.1
b1=$(as "$B" submit --parsable --cpus 2 --wrap "echo b1 >>$ORDER") || fail "submit: $b1"
prio=$(as "$B" priority --json) || fail "herd priority failed: $prio"
assert_eq "herd priority's order" "$b1 $a1" "$(jq -r '[.[].id] | join(" ")' <<<"$prio")"
fa=$(jq -r --argjson j "$a1" '.[] | select(.id == $j) | .fairshare' <<<"$prio")
fb=$(jq -r --argjson j "$b1" '.[] | select(.id == $j) | .fairshare' <<<"$prio")
awk -v a="$fa" -v b="$fb" 'BEGIN { exit !(b > a) }' ||
    fail "fair share of $B's job $b1 ($fb) is not above $A's $a1 ($fa): $prio"
as "$A" priority "$a1" | grep -q "^ *$a1 " || fail "herd priority $a1 lacks it"
for ((i = 0; i < 400; i++)); do
	[ "$(wc -l <"$ORDER")" -ge 2 ] && break
	sleep 0.1
done
assert_eq "order the queued jobs ran in" "b1 a1" "$(tr '\n' ' ' <"$ORDER" | sed 's/ $//')"
lab_check_san
