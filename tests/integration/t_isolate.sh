#!/bin/bash
# t_isolate: isolation where the node allows it.  node1 is given a writable
# cgroup v1 hierarchy of its own (a per-test directory of the real memory
# and cpu hierarchies, made and chowned to the node user, bind-mounted over
# /sys/fs/cgroup/memory and /cpu inside node1's mount namespace); node2 is
# given none (an empty read-only tmpfs over /sys/fs/cgroup in its
# namespace).  herd nodes says cgroup1 and none.  A job on each escapes its
# session (a setsid'd process started from a background subshell, so it is
# in neither the job's process group nor its session); on node1 the job's
# cgroup has --mem as memory.limit_in_bytes and --cpus as its CFS quota, and
# holds the escaped process; on cancel every process of both jobs is gone
# within kill_grace + 3 s, node2's found by HERD_JOB_KEY, and node2's job
# says in its reason that one process had escaped.  The job's cgroup is
# removed after its end.  herd ssh into the job on node1 lands in its
# cgroup (memory and cpu).

. "$(dirname "$0")/lib.sh"

command -v nsenter >/dev/null || { note "skipped: no nsenter"; exit 0; }
[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/cpu ] ||
    { note "skipped: no cgroup v1 memory and cpu hierarchies here"; exit 0; }

pid1=$(cat "$TC_DIR/nodes/node1/pid") pid2=$(cat "$TC_DIR/nodes/node2/pid")
user=$(id -un)
mem=/sys/fs/cgroup/memory/herdtc-$UNIQ cpu=/sys/fs/cgroup/cpu/herdtc-$UNIQ
mkdir "$mem" "$cpu" || fail "cannot make $mem and $cpu"
chown -R "$user" "$mem" "$cpu"
in_node() {
	local pid=$1
	shift
	nsenter --mount --target "$pid" -- "$@"
}
at_exit "in_node $pid1 umount /sys/fs/cgroup/memory; in_node $pid1 umount /sys/fs/cgroup/cpu; \
in_node $pid2 umount /sys/fs/cgroup; pkill -KILL -f 'sleep 7[0-9].$UNIQ'; \
sleep 0.5; rmdir $mem/herd-* $cpu/herd-* $mem $cpu 2>/dev/null; true"
in_node "$pid1" mount --bind "$mem" /sys/fs/cgroup/memory || fail "bind $mem on node1"
in_node "$pid1" mount --bind "$cpu" /sys/fs/cgroup/cpu || fail "bind $cpu on node1"
in_node "$pid2" mount -t tmpfs -o ro,size=4k herdtc-nocg /sys/fs/cgroup || fail "tmpfs on node2"

setup_herdd
assert_eq "isolation of node1 (herd nodes --json)" cgroup1 \
    "$(herd nodes --json | jq -r '.[] | select(.name == "node1") | .isolation')"
assert_eq "isolation of node2 (herd nodes --json)" none \
    "$(herd nodes --json | jq -r '.[] | select(.name == "node2") | .isolation')"
herd nodes | grep -q '^NODE .* ISOLATION ' || fail "herd nodes has no ISOLATION column: $(herd nodes)"
assert_eq "ISOLATION of node2 in herd nodes" none \
    "$(herd nodes | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ISOLATION") c = i }
	$1 == "node2" { print $c; exit }')"

# The escape: a background subshell starts a setsid'd sleep and ends, so
# the sleep's parent is init and its session and process group its own.
job() {
	printf '#!/bin/sh\n( setsid sleep %s </dev/null >/dev/null 2>&1 & )\nsleep %s\n' "$1" "$2"
}
job "71.$UNIQ" "72.$UNIQ" >"$TEST_DIR/a.sh"
job "81.$UNIQ" "82.$UNIQ" >"$TEST_DIR/b.sh"
a=$(submit --gpus 8 --cpus 2 --mem 300M "$TEST_DIR/a.sh")	# only node1 has 8 GPUs
wait_state "$a" RUNNING 20
assert_eq "node of job $a" node1 "$(field "$a" .node)"
b=$(submit --gpus 4 --cpus 1 "$TEST_DIR/b.sh")	# node1 is full: node2
wait_state "$b" RUNNING 20
assert_eq "node of job $b" node2 "$(field "$b" .node)"
for pat in "sleep 71.$UNIQ" "sleep 72.$UNIQ" "sleep 81.$UNIQ" "sleep 82.$UNIQ"; do
	for ((i = 0; i < 50; i++)); do pgrep -f -- "$pat" >/dev/null && break; sleep 0.1; done
	pgrep -f -- "$pat" >/dev/null || fail "no process '$pat' 5 s after its job started"
done
esc=$(pgrep -f -- "sleep 71.$UNIQ")
main=$(pgrep -f -- "sleep 72.$UNIQ")
[ "$(ps -o sid= -p "$esc")" != "$(ps -o sid= -p "$main")" ] ||
    fail "the escaping sleep is in its job's session; the test does not test an escape"

# node1: the job's own cgroup, with the limits, holding the escaped process.
cg=$(ls -d "$mem"/herd-*-"$a".* 2>/dev/null)
[ -n "$cg" ] || fail "no cgroup herd-*-$a.* in $mem: $(ls "$mem")"
assert_eq "memory.limit_in_bytes of job $a (--mem 300M)" $((300 * 1048576)) \
    "$(cat "$cg/memory.limit_in_bytes")"
ccg=$cpu/${cg##*/}
assert_eq "cpu.cfs_quota_us of job $a (--cpus 2)" 200000 "$(cat "$ccg/cpu.cfs_quota_us")"
grep -qx "$esc" "$cg/cgroup.procs" ||
    fail "the escaped process $esc is not in $cg: $(tr '\n' ' ' <"$cg/cgroup.procs")"

# A stream into the job enters its cgroup.
incg=$(timeout 60 "$HERD_BIN/herd" -c "$HOSTS" ssh "$a" -- cat /proc/self/cgroup </dev/null 2>&1)
grep -q ":memory:.*/${cg##*/}\$" <<<"$incg" || fail "herd ssh into job $a is not in its memory cgroup ${cg##*/}: $incg"
grep -q ":cpu[,:].*/${cg##*/}\$" <<<"$incg" || fail "herd ssh into job $a is not in its cpu cgroup ${cg##*/}: $incg"

grace=$(sed -n 's/^kill_grace = //p' "$HOSTS")
bound=$((grace + 3))
herd cancel "$a" "$b" || fail "herd cancel $a $b failed"
for pat in "sleep 71.$UNIQ" "sleep 72.$UNIQ" "sleep 81.$UNIQ" "sleep 82.$UNIQ"; do
	wait_gone "$pat" "$bound" ||
	    fail "'$pat' still running ${bound}s after cancel: $(pgrep -fa -- "$pat")"
done
wait_state "$a" CANCELLED 10
wait_state "$b" CANCELLED 10
case $(field "$b" .reason) in
*"1 process had left the job's process group"*HERD_JOB_KEY*) ;;
*) fail "reason of job $b (node without cgroups, one escaped process) does not report the escape: $(field "$b" .reason)" ;;
esac
case $(field "$a" .reason) in
*HERD_JOB_KEY*) fail "job $a (in a cgroup) reports an escape: $(field "$a" .reason)" ;;
esac
for ((i = 0; i < 50; i++)); do [ -d "$cg" ] || break; sleep 0.1; done
[ ! -d "$cg" ] || fail "job $a's cgroup $cg is still there 5 s after its end"
