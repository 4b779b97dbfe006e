#!/bin/bash
# t_slurm_sinfo: herd under Slurm's name sinfo (a link to herd, as make
# install SLURM_NAMES=1 makes it) on the test cluster with two partitions:
# the default format (PARTITION AVAIL TIMELIMIT NODES STATE NODELIST, the
# default partition with "*", nodes grouped by state with compressed host
# lists), -h -o %N, -o's fields, -p, -n, -N; a drained node in its own
# row; an option herd does not act on refused by name; an unknown option
# of sinfo, squeue and scancel exits 1 in Slurm's words; squeue collapses
# a held array's pending tasks as 7_[2-7%2].

. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
printf '\n[partition gpu]\nnodes = ALL\ndefault = yes\nmax_time = 2-00:00:00\n' >>"$HOSTS"
printf '\n[partition debug]\nnodes = node1, node2\nmax_time = 30\n' >>"$HOSTS"
start_herdd
wait_nodes_up 4 20
export HERD_CONFIG=$HOSTS	# the links take no -c: they find herdd as herd does
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
for n in sinfo squeue scancel sbatch; do
	ln -s "$HERD_BIN/herd" "$SB/$n" || fail "cannot link $SB/$n"
done
squash() { tr -s ' ' | sed 's/^ //; s/ $//'; }

# --- The default format: header, then a row per partition and state.
out=$("$SB/sinfo") || fail "sinfo: exit $?: $out"
assert_eq "sinfo's header" "PARTITION AVAIL TIMELIMIT NODES STATE NODELIST" "$(head -1 <<<"$out" | squash)"
assert_eq "sinfo's rows" "gpu* up 2-00:00:00 4 idle node[1-4]
debug up 30:00 2 idle node[1-2]" "$(tail -n +2 <<<"$out" | squash)"

# --- The one-liner scripts use: the node lists alone.
assert_eq "sinfo -h -o %N" "node[1-4]
node[1-2]" "$("$SB/sinfo" -h -o %N)"

# --- A drained node is a row of its own, in each of its partitions.
herd drain node2 --reason "sinfo test" >/dev/null || fail "herd drain node2 failed"
out=$("$SB/sinfo" -h -o "%P %t %D %N") || fail "sinfo -h -o: exit $?"
assert_eq "sinfo with node2 drained" "gpu* idle 3 node[1,3-4]
gpu* drain 1 node2
debug idle 1 node1
debug drain 1 node2" "$out"
assert_eq "sinfo -p debug -o %T" "idle
drained" "$("$SB/sinfo" -h -p debug -o %T)"
assert_eq "sinfo -n node[3-4]" "gpu* 2 node[3-4]" "$("$SB/sinfo" -h -n 'node[3-4]' -o '%P %D %N')"
out=$("$SB/sinfo" -N -p debug) || fail "sinfo -N: exit $?"
assert_eq "sinfo -N -p debug" "NODELIST NODES PARTITION STATE
node1 1 debug idle
node2 1 debug drain" "$(squash <<<"$out")"
# Every node's CPUs and memory as herd nodes has them.
cpus=$(herd nodes --json | jq -r '.[] | select(.name == "node3") | .cpus')
[ -n "$cpus" ] || fail "herd nodes --json has no cpus for node3"
got=$("$SB/sinfo" -h -N -n node3 -o "%c %a %l")
assert_eq "sinfo -N -n node3 -o '%c %a %l'" "$cpus up 2-00:00:00" "$got"
gres=$("$SB/sinfo" -h -N -n node3 -o %G)
[[ $gres =~ ^gpu(:[a-z0-9]+)?:[0-9]+$|^\(null\)$ ]] || fail "sinfo -o %G printed '$gres'"

# --- An option herd does not act on is refused by name.
"$SB/sinfo" --long >/dev/null 2>"$TEST_DIR/l.err"; rc=$?
assert_eq "sinfo --long: status" 1 "$rc"
grep -q "sinfo: --long is not supported by herd" "$TEST_DIR/l.err" ||
    fail "sinfo --long said: $(cat "$TEST_DIR/l.err")"

# --- An unknown option, under any of the names: Slurm's words and its status,
# 1 (their opts.c exit(1) on getopt's '?'; only sbatch's is 255).
for n in sinfo squeue scancel; do
	"$SB/$n" --x >"$TEST_DIR/x.out" 2>"$TEST_DIR/x.err"; rc=$?
	assert_eq "$n --x: status" 1 "$rc"
	grep -qxF "Try \"$n --help\" for more information" "$TEST_DIR/x.err" ||
	    fail "$n --x: no Try line: $(cat "$TEST_DIR/x.err")"
	grep -qxF "$n: unrecognized option '--x'" "$TEST_DIR/x.err" ||
	    fail "$n --x said: $(cat "$TEST_DIR/x.err")"
	assert_eq "$n --x: stdout" "" "$(cat "$TEST_DIR/x.out")"
done
"$SB/squeue" -Z 2>"$TEST_DIR/z.err"; rc=$?
assert_eq "squeue -Z: status" 1 "$rc"
grep -qxF "squeue: invalid option -- 'Z'" "$TEST_DIR/z.err" || fail "squeue -Z said: $(cat "$TEST_DIR/z.err")"
# herd keeps its own status and words for the same mistake.
herd queue --x 2>/dev/null; rc=$?
assert_eq "herd queue --x: status" 2 "$rc"

# --- squeue collapses a held array's pending tasks, its throttle included.
aid=$("$SB/sbatch" --parsable --hold --array=2-7%2 --wrap true) || fail "sbatch --array: exit $?"
assert_eq "squeue -h -o %i of the held array" "${aid}_[2-7%2]" "$("$SB/squeue" -h -o %i -j "$aid")"
row=$("$SB/squeue" | awk -v id="${aid}_[2-7%2]" '$1 == id')
[ -n "$row" ] || fail "squeue's default format has no ${aid}_[2-7%2]: $("$SB/squeue")"

echo "t_slurm_sinfo: ok"
