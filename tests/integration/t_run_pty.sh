#!/bin/bash
# t_run_pty: herd run --pty driven in a real terminal (tmux, 100x30), as a
# person uses it: the remote program has a /dev/pts terminal of the local
# size; a resize of the local terminal reaches it (its WINCH trap prints
# the new size); Ctrl-C reaches it (its INT trap prints); herd run exits
# with its status (5) and the job ends FAILED with it; the local terminal's
# settings (stty -g) are the same after as before.  Then herd ssh into a
# running batch job in the same terminal: a login shell there sees the
# job's HERD_JOB_ID and CUDA_VISIBLE_DEVICES, and its exit status is herd
# ssh's.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { note "skipped: no tmux"; exit 0; }
setup_herdd

T="tmux -L herd$UNIQ"
at_exit "$T kill-server 2>/dev/null"
cat >"$TEST_DIR/remote.sh" <<'EOS'
trap 'echo "winch $(stty size)"' WINCH
trap 'echo got-int' INT
tty
echo "size $(stty size)"
echo "job $HERD_JOB_ID ready"
while :; do
	if read -r l && [ "$l" = q ]; then exit 5; fi
done
EOS
cat >"$TEST_DIR/local.sh" <<EOS
stty -g >"$TEST_DIR/before"
"$HERD_BIN/herd" -c "$HOSTS" run --pty -- sh "$TEST_DIR/remote.sh"
echo "rc=\$?" >"$TEST_DIR/rc"
stty -g >"$TEST_DIR/after"
EOS
$T new-session -d -x 100 -y 30 "bash --norc --noprofile" || fail "tmux cannot start"
$T send-keys "sh $TEST_DIR/local.sh" Enter

# screen_has TEXT SECONDS: the pane shows TEXT within SECONDS.
screen_has() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		$T capture-pane -p | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "the terminal never showed '$1'; it shows: $($T capture-pane -p | grep -v '^$')"
}

screen_has ready 60
screen=$($T capture-pane -p)
grep -q '^/dev/pts/[0-9]' <<<"$screen" || fail "the remote program's tty is not a /dev/pts: $screen"
grep -qx 'size 30 100' <<<"$screen" || fail "the remote terminal's size is not 30x100: $screen"
j=$(sed -n 's/^job \([0-9]*\) ready.*/\1/p' <<<"$screen")
[ -n "$j" ] || fail "no job id on the screen: $screen"

$T resize-window -x 120 -y 40
screen_has "winch 40 120" 30

$T send-keys C-c
screen_has got-int 30

$T send-keys q Enter
for ((i = 0; i < 300; i++)); do [ -s "$TEST_DIR/after" ] && break; sleep 0.1; done
assert_eq "herd run --pty's exit status" rc=5 "$(cat "$TEST_DIR/rc" 2>/dev/null)"
assert_eq "the local terminal's settings after herd run --pty" "$(cat "$TEST_DIR/before")" "$(cat "$TEST_DIR/after")"
wait_jobs 30 "$j" >/dev/null 2>&1
assert_eq "job $j's state" FAILED "$(field "$j" .state)"
assert_eq "job $j's exit code" 5 "$(field "$j" .exit_code)"

# ---- herd ssh: a login shell in a batch job ----
b=$(submit --gpus 1 --wrap "sleep 300 # $UNIQ")
wait_state "$b" RUNNING 30
rm -f "$TEST_DIR/rc"
$T send-keys "clear; \"$HERD_BIN/herd\" -c \"$HOSTS\" ssh $b; echo \"rc=\$?\" >\"$TEST_DIR/rc\"" Enter
$T send-keys 'echo "in=$HERD_JOB_ID cvd=$CUDA_VISIBLE_DEVICES"; tty' Enter
screen_has "in=$b cvd=$(field "$b" '.gpus | join(",")')" 30
$T send-keys 'exit 3' Enter
for ((i = 0; i < 300; i++)); do [ -s "$TEST_DIR/rc" ] && break; sleep 0.1; done
assert_eq "herd ssh's exit status" rc=3 "$(cat "$TEST_DIR/rc" 2>/dev/null)"
$T capture-pane -p | grep -q '^/dev/pts/[0-9]' || fail "herd ssh's shell has no /dev/pts terminal: $($T capture-pane -p)"
herd cancel "$b" >/dev/null
