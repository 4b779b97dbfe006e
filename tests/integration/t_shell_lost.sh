#!/bin/bash
# t_shell_lost: the long-lived node shell dies under herdd (a user's
# `pkill sh`, an OOM kill) while its SSH session lives on.  herdd notices at
# the next batch, opens a new shell on the same session, reconciles, and the
# jobs whose launch went down with the old shell still run, once each.

. "$(dirname "$0")/lib.sh"

setup_herdd

# The node shells of this suite's cluster only: match by mount namespace.
kill_node_shells() {
	local pid ns nd killed=0
	for pid in $(pgrep -f '^/bin/sh -s$'); do
		ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || continue
		for nd in "$TC_DIR"/nodes/*/; do
			if [ "$ns" = "$(cat "$nd/mntns" 2>/dev/null)" ]; then
				kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
			fi
		done
	done
	echo "$killed"
}

n=$(kill_node_shells)
[ "$n" -ge 4 ] || fail "expected a node shell per node (4), killed $n"
marker=$WORK/marker
ids=()
for i in $(seq 1 12); do
	ids+=("$(submit --wrap "echo \$HERD_JOB_ID >> '$marker'")")
done
wait_jobs 60 "${ids[@]}" || fail "jobs after the node shells were killed did not all complete"
assert_eq "lines in the marker" 12 "$(wc -l <"$marker")"
assert_eq "distinct job ids in the marker" 12 "$(sort -u "$marker" | wc -l)"
grep -q "shell lost" "$HERDD_LOG" || fail "herdd's log does not say a shell was lost"
alive "$HERDD_PID" || fail "herdd died"
# Nodes that ran nothing notice at their next probe (probe_interval).
count_node_shells() {
	local pid ns nd c=0
	for pid in $(pgrep -f '^/bin/sh -s$'); do
		ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || continue
		for nd in "$TC_DIR"/nodes/*/; do
			[ "$ns" = "$(cat "$nd/mntns" 2>/dev/null)" ] && c=$((c + 1))
		done
	done
	echo "$c"
}
interval=$(sed -n 's/^probe_interval = //p' "$HOSTS")
for ((i = 0; i < (interval + 5) * 10; i++)); do
	[ "$(count_node_shells)" -ge 4 ] && break
	sleep 0.1
done
[ "$(count_node_shells)" -ge 4 ] ||
    fail "herdd has $(count_node_shells) node shells $((interval + 5)) s later, not 4"
kill_node_shells >/dev/null
id=$(submit --wrap 'echo again')
wait_jobs 60 "$id" || fail "job $id after the second loss did not complete"
assert_idle
