#!/bin/bash
# t_slurm_srun: herd run and herd alloc under Slurm's names srun and salloc (a link made in a temp dir,
# as make install SLURM_NAMES=1 makes it): `srun -G 1 CMD ARGS` (no "--", as
# srun takes it) runs CMD on a GPU node with stdin, stdout and stderr here,
# exits with CMD's status, and the job ends with it in herd history; inside
# a batch job, srun runs in that job's allocation (its HERD_JOB_ID and
# GPUs); an unknown option exits 255 in srun's words, as Slurm's common
# option code does, with nothing queued.
. "$(dirname "$0")/lib.sh"

setup_herdd
export HERD_CONFIG=$HOSTS	# the link takes no -c: it finds herdd as herd does
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
ln -s "$HERD_BIN/herd" "$SB/srun" || fail "cannot link $SB/srun"
ln -s "$HERD_BIN/herd" "$SB/salloc" || fail "cannot link $SB/salloc"

out=$(echo piped | "$SB/srun" -G 1 sh -c 'read l; echo "$l gpus=$CUDA_VISIBLE_DEVICES id=$HERD_JOB_ID"; echo oops >&2; exit 3' \
    2>"$TEST_DIR/err")
rc=$?
assert_eq "srun's status for CMD's exit 3 (stderr: $(cat "$TEST_DIR/err"))" 3 "$rc"
[[ $out =~ ^piped\ gpus=[0-9]+\ id=([0-9]+)$ ]] || fail "srun -G 1: stdout '$out'"
r=${BASH_REMATCH[1]}
grep -qx oops "$TEST_DIR/err" || fail "srun: CMD's stderr did not come: $(cat "$TEST_DIR/err")"
wait_jobs 30 "$r" >/dev/null 2>&1
assert_eq "srun's job $r in herd history" "FAILED 3" "$(hist_of "$r" .state) $(hist_of "$r" .exit_code)"

# Inside a batch job: a step of that job, not a new one.
j=$(submit -G 1 -o "$WORK/in.%j" --wrap "PATH=$SB:\$PATH srun sh -c 'echo step of \$HERD_JOB_ID on \$CUDA_VISIBLE_DEVICES'")
wait_state "$j" COMPLETED 60
gpu=$(field "$j" '.gpus | join(",")')
assert_eq "srun inside job $j" "step of $j on $gpu" "$(cat "$WORK/in.$j")"

before=$(herd queue --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
"$SB/srun" --bogus true >/dev/null 2>"$TEST_DIR/x.err"; rc=$?
assert_eq "srun --bogus: status" 255 "$rc"
grep -qxF "srun: unrecognized option '--bogus'" "$TEST_DIR/x.err" || fail "srun --bogus said: $(cat "$TEST_DIR/x.err")"
assert_eq "jobs queued after srun --bogus" "$before" \
    "$(herd queue --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

# salloc CMD: herd alloc, CMD inside the new allocation, its status ours.
out=$("$SB/salloc" -G 1 sh -c 'echo "alloc=$HERD_JOB_ID gpus=$CUDA_VISIBLE_DEVICES"; exit 4' </dev/null 2>"$TEST_DIR/a.err")
rc=$?
assert_eq "salloc's status for CMD's exit 4 (stderr: $(cat "$TEST_DIR/a.err"))" 4 "$rc"
[[ $out =~ ^alloc=([0-9]+)\ gpus=[0-9]+$ ]] || fail "salloc -G 1: stdout '$out'"
grep -q "has been allocated resources" "$TEST_DIR/a.err" || fail "salloc said: $(cat "$TEST_DIR/a.err")"
"$SB/salloc" --bogus >/dev/null 2>"$TEST_DIR/x.err" </dev/null; rc=$?
assert_eq "salloc --bogus: status" 255 "$rc"
grep -qxF "salloc: unrecognized option '--bogus'" "$TEST_DIR/x.err" || fail "salloc --bogus said: $(cat "$TEST_DIR/x.err")"
