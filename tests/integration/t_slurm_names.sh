#!/bin/bash
# t_slurm_names: herd run under Slurm's names (links sbatch, squeue, scancel
# to herd made in a temp dir, as make install SLURM_NAMES=1 makes them):
# sbatch --parsable of a real #SBATCH script from ../shared/fixtures/sbatch/
# prints the id alone; squeue -h -o %i lists it; squeue's default header is
# squeue's; scancel of a job that does not exist, and of one that has
# ended, is silent with status 0; scancel of a queued job cancels it;
# sbatch --wait returns the job's status; an unknown option exits 255 with
# sbatch's "unrecognized option" line.  Skipped with a message where the
# fixtures are absent.

. "$(dirname "$0")/lib.sh"

FIX=${HERD_FIXTURES:-$REPO/../shared/fixtures/sbatch}
[ -d "$FIX" ] || FIX=/work/shared/fixtures/sbatch
if [ ! -d "$FIX" ]; then
	echo "no fixtures directory (../shared/fixtures/sbatch): skipped"
	exit 77
fi

# The fixture asks for partition gpu, as its site has: so does this cluster.
make_config "$HOSTS" "$STATE"
printf '\n[partition gpu]\nnodes = ALL\ndefault = yes\n' >>"$HOSTS"
start_herdd
wait_nodes_up 4 20
export HERD_CONFIG=$HOSTS	# the links take no -c: they find herdd as herd does
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
for n in sbatch squeue scancel; do
	ln -s "$HERD_BIN/herd" "$SB/$n" || fail "cannot link $SB/$n"
done

# --- sbatch --parsable on a real script: the id alone on stdout.
script=$FIX/${SLURM_FIXTURE:-fasrc_pytorch-gpu-short-opts.sbatch}
[ -f "$script" ] || fail "no fixture $script"
# Held, so that it is still queued for squeue and scancel.
out=$(cd "$TEST_DIR" && "$SB/sbatch" --parsable --hold "$script" \
    2>"$TEST_DIR/sbatch.err") || fail "sbatch --parsable $script: exit $?: $(cat "$TEST_DIR/sbatch.err")"
[[ $out =~ ^[0-9]+$ ]] || fail "sbatch --parsable printed '$out', not a job id"
id=$out

# --- squeue -h -o %i: the ids alone, no header.
out=$("$SB/squeue" -h -o %i) || fail "squeue -h -o %i: exit $?"
grep -qx "$id" <<<"$out" || fail "squeue -h -o %i does not list $id: '$out'"
[ "$(grep -cv '^[0-9]*$' <<<"$out")" = 0 ] || fail "squeue -h -o %i printed more than ids: '$out'"

# --- squeue with no format: squeue's default columns and header.
out=$("$SB/squeue") || fail "squeue: exit $?"
hdr=$(head -1 <<<"$out" | tr -s ' ' | sed 's/^ //')
assert_eq "squeue's header" "JOBID PARTITION NAME USER ST TIME NODES NODELIST(REASON)" "$hdr"
row=$(awk -v id="$id" '$1 == id' <<<"$out")
[ -n "$row" ] || fail "squeue does not list $id: $out"
assert_eq "squeue's ST of the held job" PD "$(awk '{ print $5 }' <<<"$row")"
out=$("$SB/squeue" -h --me -j "$id" -o "%i %t") || fail "squeue -h --me -j $id: exit $?"
assert_eq "squeue -h --me -j $id -o '%i %t'" "$id PD" "$out"

# --- scancel of a job that never was: silent, status 0.
out=$("$SB/scancel" 999999 2>&1); rc=$?
assert_eq "scancel 999999 (unknown): status" 0 "$rc"
assert_eq "scancel 999999 (unknown): output" "" "$out"

# --- scancel of the queued job: cancelled; again, now ended: silent, 0.
out=$("$SB/scancel" "$id" 2>&1) || fail "scancel $id: exit $?: $out"
assert_eq "scancel $id: output" "" "$out"
assert_eq "state after scancel" CANCELLED "$(field "$id" .state)"
out=$("$SB/scancel" "$id" 2>&1); rc=$?
assert_eq "scancel $id again (ended): status" 0 "$rc"
assert_eq "scancel $id again (ended): output" "" "$out"
# herd itself still says so: the silence is scancel's alone.
herd cancel 999999 2>/dev/null && fail "herd cancel 999999 (unknown) succeeded"

# --- sbatch --wait: the job's status.
"$SB/sbatch" --wait --wrap "exit 3" >/dev/null 2>&1; rc=$?
assert_eq "sbatch --wait of a job that exits 3: status" 3 "$rc"
"$SB/sbatch" --wait --parsable --wrap true >"$TEST_DIR/w.out" 2>&1 ||
    fail "sbatch --wait of a job that succeeds: exit $?: $(cat "$TEST_DIR/w.out")"
[[ $(cat "$TEST_DIR/w.out") =~ ^[0-9]+$ ]] || fail "sbatch --wait --parsable printed '$(cat "$TEST_DIR/w.out")'"

# --- An unknown option: status 255, sbatch's words, nothing queued.
before=$("$SB/squeue" -h -o %i | wc -l)
"$SB/sbatch" --x "$script" >"$TEST_DIR/x.out" 2>"$TEST_DIR/x.err"; rc=$?
assert_eq "sbatch --x: status" 255 "$rc"
grep -qxF "sbatch: unrecognized option '--x'" "$TEST_DIR/x.err" ||
    fail "sbatch --x said: $(cat "$TEST_DIR/x.err")"
assert_eq "sbatch --x: stdout" "" "$(cat "$TEST_DIR/x.out")"
assert_eq "jobs queued by sbatch --x" "$before" "$("$SB/squeue" -h -o %i | wc -l)"
# herd submit keeps herd's status for the same mistake.
herd submit --x "$script" 2>/dev/null; rc=$?
assert_eq "herd submit --x: status" 2 "$rc"

echo "t_slurm_names: ok"
