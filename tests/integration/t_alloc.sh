#!/bin/bash
# t_alloc: herd alloc (as salloc) driven in a real terminal (tmux), as a
# person uses it:
#  1. salloc's two lines with herd's name, then a login shell on the node:
#     typing `echo` there shows the allocation's CUDA_VISIBLE_DEVICES and
#     HERD_JOB_ID; `herd run hostname` inside runs in that allocation (no
#     new job); `exit` ends the allocation, COMPLETED in herd history, and
#     herd alloc exits 0.
#  2. herd alloc CMD without a terminal: CMD runs in the allocation and its
#     status is herd alloc's and the job's (FAILED, exit code 7).
#  3. The time limit ends the allocation and what runs in it: TIMEOUT, and
#     herd alloc returns (143: its CMD got TERM).
#  4. Options herd alloc cannot act on are refused, nothing queued.
#  5. herd alloc's terminal closed (HUP) while it waits: the queued job is
#     cancelled, not left to start for no one.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { note "skipped: no tmux"; exit 0; }
setup_herdd

hist_of() {	# hist_of ID JQ: a field of ID in herd history --json
	herd history --all --json | jq -r --argjson id "$1" ".[] | select(.id == \$id) | $2"
}

T="tmux -L herd$UNIQ"
at_exit "$T kill-server 2>/dev/null"
cat >"$TEST_DIR/local.sh" <<EOS
"$HERD_BIN/herd" -c "$HOSTS" alloc -G 1 -J dev
echo "rc=\$?" >"$TEST_DIR/rc"
EOS
$T new-session -d -x 120 -y 40 "bash --norc --noprofile" || fail "tmux cannot start"
$T send-keys "sh $TEST_DIR/local.sh" Enter

# screen_has TEXT SECONDS: the pane shows TEXT within SECONDS.
screen_has() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		$T capture-pane -p -S -200 | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "the terminal never showed '$1'; it shows: $($T capture-pane -p -S -200 | grep -v '^$')"
}

screen_has "has been allocated resources" 60
screen=$($T capture-pane -p -S -200)
j=$(sed -n 's/^herd: job \([0-9]*\) has been allocated resources.*/\1/p' <<<"$screen")
[ -n "$j" ] || fail "no job id in herd alloc's lines: $screen"
grep -qx "herd: job $j queued and waiting for resources" <<<"$screen" ||
    fail "herd alloc did not say it was queued: $screen"
assert_eq "job $j's state" RUNNING "$(field "$j" .state)"
assert_eq "job $j's name" dev "$(field "$j" .name)"
n_before=$(herd history --all --json | jq length)

# A login shell on the node: what we type runs there, in the allocation.
$T send-keys 'echo "in-alloc [$CUDA_VISIBLE_DEVICES] [$HERD_JOB_ID] [$SLURM_JOB_ID]"' Enter
gpus=$(field "$j" '.gpus | join(",")')
screen_has "in-alloc [$gpus] [$j] [$j]" 30
$T send-keys "\"$HERD_BIN/herd\" -c \"$HOSTS\" run sh -c 'echo \"step-of \$HERD_JOB_ID\"'" Enter
screen_has "step-of $j" 60
assert_eq "jobs after a herd run inside herd alloc" "$n_before" "$(herd history --all --json | jq length)"
assert_eq "job $j after a herd run inside it" RUNNING "$(field "$j" .state)"

$T send-keys "exit" Enter
for ((i = 0; i < 300; i++)); do [ -s "$TEST_DIR/rc" ] && break; sleep 0.1; done
assert_eq "herd alloc's exit status after exit" rc=0 "$(cat "$TEST_DIR/rc" 2>/dev/null)"
wait_jobs 30 "$j" >/dev/null 2>&1
assert_eq "job $j's state in history" COMPLETED "$(hist_of "$j" .state)"

# ---- CMD, no terminal ----
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" alloc -- sh -c 'echo "id=$HERD_JOB_ID"; exit 7' </dev/null \
    >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd alloc CMD's exit status (stderr: $(cat "$TEST_DIR/err"))" 7 "$rc"
k=$(sed -n 's/^id=\([0-9]*\)$/\1/p' "$TEST_DIR/out")
[ -n "$k" ] || fail "herd alloc's CMD printed no HERD_JOB_ID: $(cat "$TEST_DIR/out")"
grep -qx "herd: job $k has been allocated resources" "$TEST_DIR/err" ||
    fail "herd alloc CMD did not say it was allocated: $(cat "$TEST_DIR/err")"
wait_jobs 30 "$k" >/dev/null 2>&1
assert_eq "job $k's state in history" FAILED "$(hist_of "$k" .state)"
assert_eq "job $k's exit code in history" 7 "$(hist_of "$k" .exit_code)"
assert_eq "job $k's name" interactive "$(hist_of "$k" .name)"

# ---- the time limit ----
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" alloc -t 0:05 -- sh -c 'echo "id=$HERD_JOB_ID"; sleep 40; echo survived' \
    </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd alloc -t 0:05 of a 40 s CMD (stderr: $(cat "$TEST_DIR/err"))" 143 "$rc"
t=$(sed -n 's/^id=\([0-9]*\)$/\1/p' "$TEST_DIR/out")
grep -q survived "$TEST_DIR/out" && fail "CMD outlived its allocation's time limit"
wait_jobs 30 "$t" >/dev/null 2>&1
assert_eq "job $t's state in history" TIMEOUT "$(hist_of "$t" .state)"

# ---- refusals ----
n_before=$(herd history --all --json | jq length)
for opt in --array=1-2 --hold -o/tmp/x --wrap=true --signal=USR1@10 --test-only; do
	timeout 30 "$HERD_BIN/herd" -c "$HOSTS" alloc "$opt" </dev/null >/dev/null 2>"$TEST_DIR/err"
	rc=$?
	[ "$rc" = 2 ] || fail "herd alloc $opt: exit $rc, expected 2 (stderr: $(cat "$TEST_DIR/err"))"
	grep -q "herd: alloc: " "$TEST_DIR/err" || fail "herd alloc $opt: no reason given: $(cat "$TEST_DIR/err")"
done
assert_eq "jobs after refused herd allocs" "$n_before" "$(herd history --all --json | jq length)"

# ---- HUP while waiting ----
h=$(submit --exclusive -w node4 --wrap "sleep 300 # $UNIQ")
wait_state "$h" RUNNING 30
"$HERD_BIN/herd" -c "$HOSTS" alloc -w node4 </dev/null >/dev/null 2>"$TEST_DIR/err" &
apid=$!
for ((i = 0; i < 300; i++)); do grep -q "queued and waiting" "$TEST_DIR/err" && break; sleep 0.1; done
w=$(sed -n 's/^herd: job \([0-9]*\) queued and waiting for resources$/\1/p' "$TEST_DIR/err")
[ -n "$w" ] || fail "herd alloc never queued: $(cat "$TEST_DIR/err")"
kill -HUP "$apid"
wait "$apid"
rc=$?
assert_eq "herd alloc's status after HUP while waiting (stderr: $(cat "$TEST_DIR/err"))" 130 "$rc"
wait_jobs 30 "$w" >/dev/null 2>&1
assert_eq "job $w after its herd alloc's HUP" CANCELLED "$(hist_of "$w" .state)"
herd cancel "$h" >/dev/null
