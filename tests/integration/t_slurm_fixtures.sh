#!/bin/bash
# t_slurm_fixtures: every real #SBATCH script of ../shared/fixtures/sbatch/
# through the Slurm names as a lab's scripts use them: `sbatch --parsable`
# (held, so nothing runs) prints the id alone or refuses with a message and
# no id; each queued one is then found by the common one-liners, `squeue -h
# -o %i -u $USER`, `sacct -j ID -n -P -o State`, `scontrol show job ID |
# grep JobState`, `sinfo -h -o %N`, and `scancel ID` ends it silently.
# Skipped with a message where the fixtures are absent.

. "$(dirname "$0")/lib.sh"

FIX=${HERD_FIXTURES:-$REPO/../shared/fixtures/sbatch}
[ -d "$FIX" ] || FIX=/work/shared/fixtures/sbatch
if [ ! -d "$FIX" ]; then
	echo "no fixtures directory (../shared/fixtures/sbatch): skipped"
	exit 77
fi

make_config "$HOSTS" "$STATE"
# The partitions and account the fixtures' sites have, so that what is
# tried is herd's reading of each script, not this cluster's names.
printf '\n[partition gpu]\nnodes = ALL\ndefault = yes\n' >>"$HOSTS"
for p in dcs serial_requeue mllab scavenger; do
	printf '\n[partition %s]\nnodes = ALL\n' "$p" >>"$HOSTS"
done
printf '\n[account scavenger]\nusers = %s\n' "$(id -un)" >>"$HOSTS"
printf '\n[qos normal]\n' >>"$HOSTS"
start_herdd
wait_nodes_up 4 20
export HERD_CONFIG=$HOSTS	# the links take no -c: they find herdd as herd does
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
for n in sbatch squeue scancel sinfo sacct scontrol; do
	ln -s "$HERD_BIN/herd" "$SB/$n" || fail "cannot link $SB/$n"
done
cd "$TEST_DIR" || fail "no $TEST_DIR"
me=$(id -un)

assert_eq "sinfo -h -o %N (one line per partition)" "node[1-4] node[1-4] node[1-4] node[1-4] node[1-4]" "$("$SB/sinfo" -h -o %N | xargs)"
queued=0 refused=0
for script in "$FIX"/*; do
	[ -f "$script" ] || continue
	name=$(basename "$script")
	out=$("$SB/sbatch" --parsable --hold "$script" 2>"$TEST_DIR/err"); rc=$?
	if [ "$rc" != 0 ]; then
		[ -z "$out" ] || fail "$name: refused (status $rc) but printed '$out'"
		grep -q "^herd: " "$TEST_DIR/err" || fail "$name: refused (status $rc) without herd's word"
		echo "$name: refused: $(head -1 "$TEST_DIR/err")" >&2
		refused=$((refused + 1))
		continue
	fi
	[[ $out =~ ^[0-9]+$ ]] || fail "$name: sbatch --parsable printed '$out', not an id"
	id=$out
	queued=$((queued + 1))
	grep -qE "^${id}(_\[.*\])?$" <<<"$("$SB/squeue" -h -o %i -u "$me")" ||
	    fail "$name: squeue -h -o %i -u $me does not list $id: $("$SB/squeue" -h -o %i -u "$me")"
	assert_eq "$name: sacct -j $id -n -P -o State" PENDING "$("$SB/sacct" -j "$id" -n -P -o State)"
	st=$("$SB/scontrol" show job "$id" | grep JobState)
	[[ $st == "   JobState=PENDING "* ]] || fail "$name: scontrol show job $id | grep JobState: '$st'"
	out=$("$SB/scancel" "$id" 2>&1) || fail "$name: scancel $id: exit $?: $out"
	assert_eq "$name: scancel $id" "" "$out"
	assert_eq "$name: sacct -j $id after scancel" CANCELLED "$("$SB/sacct" -j "$id" -n -P -o State)"
done
echo "fixtures: $queued queued, $refused refused" >&2
# Refused here: multi-node, a reservation, a dependency on a job of their
# site, an array past max_array_size, more CPUs than a test node has.
[ "$queued" -ge 6 ] || fail "only $queued fixtures were queued ($refused refused)"
echo "t_slurm_fixtures: ok"
