#!/bin/bash
# t_service_move: a service's node goes away for longer than node_fail_after
# (8 s here): the service starts again on another node, as a new attempt;
# when the node comes back, what still ran there of the old attempt is
# killed, so one copy runs.
. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1 down_after=2 node_fail_after=8
TC=$REPO/scripts/testcluster
tag="72.$UNIQ"
at_exit "pkill -f -- 'sleep $tag' || true"

out=$(herd service start mover --gpus 1 -- sleep "$tag") ||
    fail "herd service start failed: $out"
id=$(sed -n 's/^Submitted service mover as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd service start printed '$out'"
wait_state "$id" RUNNING 30
first=$(field "$id" .node)
at_exit "'$TC' start-node '$TC_DIR' '$first' >/dev/null 2>&1 || true"

"$TC" stop-node "$TC_DIR" "$first" >/dev/null || fail "testcluster stop-node $first failed"
moved=
for ((i = 0; i < 600; i++)); do
	st=$(field "$id" '"\(.state) \(.node) \(.attempt)"')
	case $st in "RUNNING $first "*|"RUNNING null "*) ;; RUNNING*) moved=$st; break ;; esac
	sleep 0.1
done
[ -n "$moved" ] || fail "service $id did not start again off $first: $(field "$id" '"\(.state) \(.node) \(.reason)"')"
set -- $moved
[ "$3" -ge 2 ] || fail "service $id on $2 is attempt $3, not a new one"
herd service ls --json | jq -e --arg n "$2" '.[] | select(.name == "mover") | .state == "RUNNING"' >/dev/null ||
    fail "herd service ls: $(herd service ls)"

"$TC" start-node "$TC_DIR" "$first" >/dev/null || fail "testcluster start-node $first failed"
for ((i = 0; i < 300; i++)); do
	[ "$(pgrep -fc -- "sleep $tag")" -eq 1 ] && break
	sleep 0.1
done
assert_eq "copies running once $first is back" 1 "$(pgrep -fc -- "sleep $tag")"
herd service stop mover >/dev/null || fail "herd service stop failed"
