#!/bin/bash
# t_ssh: herd ssh ID enters a running batch job's allocation on its node.
#  1. herd ssh ID -- CMD (no terminal): CMD sees the job's
#     CUDA_VISIBLE_DEVICES, HERD_JOB_ID and SLURM_JOB_ID and its working
#     directory; its stdout and stderr arrive apart; stdin reaches it; its
#     exit status (7) is herd ssh's.
#  2. A remote program killed by a signal: 128+N.  An array task by
#     ID_TASK sees its SLURM_ARRAY_TASK_ID.
#  3. A pending job, an ended job and an unknown one are refused (255) with
#     the reason.
#  4. A node whose ~/.bashrc greets on stdout and stderr (bash reads it for
#     sshd's commands): the stream still starts, CMD's output and status
#     come through after the greeting.
#  5. A herd ssh still attached when its job is cancelled ends with it
#     (its processes carry the job's HERD_JOB_KEY, which the cancel finds).
. "$(dirname "$0")/lib.sh"

setup_herdd

mkdir -p "$WORK/jobdir"
j=$(submit --gpus 1 -D "$WORK/jobdir" --wrap "sleep 300 # $UNIQ")
wait_state "$j" RUNNING 30
gpus=$(field "$j" '.gpus | join(",")')
[ -n "$gpus" ] || fail "job $j holds no GPU"

printf 'from stdin\n' | timeout 60 "$HERD_BIN/herd" -c "$HOSTS" ssh "$j" -- sh -c \
    'echo "cvd=$CUDA_VISIBLE_DEVICES id=$HERD_JOB_ID slurm=$SLURM_JOB_ID pwd=$(pwd)"; read -r l; echo "in=$l"; echo oops >&2; exit 7' \
    >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd ssh's exit status (stderr: $(cat "$TEST_DIR/err"))" 7 "$rc"
assert_file_is "$TEST_DIR/out" "$(printf 'cvd=%s id=%s slurm=%s pwd=%s\nin=from stdin' "$gpus" "$j" "$j" "$WORK/jobdir")
"
assert_file_is "$TEST_DIR/err" "oops
"

# ---- a signal ----
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" ssh "$j" -- sh -c 'kill -9 $$' </dev/null >/dev/null 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd ssh's exit status for a program killed by KILL (stderr: $(cat "$TEST_DIR/err"))" 137 "$rc"

# ---- an array task ----
a=$(submit --array=1-2 --wrap "sleep 300 # $UNIQ")
for ((i = 0; i < 300; i++)); do
	st=$(herd show "${a}_2" --json 2>/dev/null | jq -r .state)
	[ "$st" = RUNNING ] && break
	sleep 0.1
done
out=$(timeout 60 "$HERD_BIN/herd" -c "$HOSTS" ssh "${a}_2" -- sh -c 'echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID"' </dev/null 2>"$TEST_DIR/err")
assert_eq "herd ssh ${a}_2 (stderr: $(cat "$TEST_DIR/err"))" "$a 2" "$out"
herd cancel "$a" >/dev/null

# ---- refusals ----
p=$(submit --hold --wrap true)
timeout 30 "$HERD_BIN/herd" -c "$HOSTS" ssh "$p" -- true </dev/null >/dev/null 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd ssh into a pending job" 255 "$rc"
grep -q "job $p is PENDING" "$TEST_DIR/err" || fail "herd ssh into pending job $p: $(cat "$TEST_DIR/err")"
timeout 30 "$HERD_BIN/herd" -c "$HOSTS" ssh 999999 -- true </dev/null >/dev/null 2>"$TEST_DIR/err"
assert_eq "herd ssh into an unknown job" 255 "$?"
herd cancel "$j" "$p" >/dev/null
wait_state "$j" CANCELLED 30
timeout 30 "$HERD_BIN/herd" -c "$HOSTS" ssh "$j" -- true </dev/null >/dev/null 2>"$TEST_DIR/err"
assert_eq "herd ssh into an ended job" 255 "$?"
grep -q "not running" "$TEST_DIR/err" || fail "herd ssh into ended job $j: $(cat "$TEST_DIR/err")"

# ---- a chatty ~/.bashrc ----
RC=$TC_DIR/nodes/node4/home/.bashrc
cp -p "$RC" "$TEST_DIR/bashrc.orig" || fail "cannot save $RC"
at_exit 'cp -p "$TEST_DIR/bashrc.orig" "$RC"'
printf 'echo welcome to node4\necho mind the gap >&2\n' >>"$RC"
c=$(submit -w node4 --wrap "sleep 300 # $UNIQ")
wait_state "$c" RUNNING 30
out=$(timeout 60 "$HERD_BIN/herd" -c "$HOSTS" ssh "$c" -- sh -c 'echo "job $HERD_JOB_ID"; exit 4' </dev/null 2>"$TEST_DIR/err")
rc=$?
assert_eq "herd ssh on a node with a chatty .bashrc (stderr: $(cat "$TEST_DIR/err"))" 4 "$rc"
assert_eq "herd ssh's stdout on a node with a chatty .bashrc" "$(printf 'welcome to node4\njob %s' "$c")" "$out"
herd cancel "$c" >/dev/null

# ---- the job ends under an attached herd ssh ----
d=$(submit --wrap "sleep 300 # $UNIQ")
wait_state "$d" RUNNING 30
rm -f "$TEST_DIR/out"
"$HERD_BIN/herd" -c "$HOSTS" ssh "$d" -- sh -c "echo in; exec sleep 299.$UNIQ" </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
spid=$!
for ((i = 0; i < 300; i++)); do grep -q in "$TEST_DIR/out" 2>/dev/null && break; sleep 0.1; done
herd cancel "$d" >/dev/null
for ((i = 0; i < 300; i++)); do alive "$spid" || break; sleep 0.1; done
alive "$spid" && { kill "$spid"; fail "herd ssh into job $d still attached after the job was cancelled"; }
wait_gone "sleep 299.$UNIQ" 10 || fail "herd ssh's command outlived job $d"
