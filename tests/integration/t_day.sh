#!/bin/bash
# t_day: replays README's "A day in the lab" against the test cluster, line
# by line as a person types them: sweep.sh is the section's script block;
# each "$ " line of its console block runs in a shell (herd on PATH,
# HERD_CONFIG set), the interactive ones (--pty, herd alloc) in a real
# terminal (tmux).  What the README says stands for what the test gets:
# the sweep's id for 12, the allocation's for 14, a file of the test's own
# for ~/.ssh/config (and ssh -F it).  Each line must succeed; the sweep's
# tasks, the debug shell's GPU and the allocation's GPUs are checked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmuxlib.sh"

README=$REPO/README.md
sec=$(awk '/^## A day in the lab$/ { on = 1; next } /^## / { on = 0 } on' "$README")
[ -n "$sec" ] || fail "README has no \"A day in the lab\" section"
script=$(awk '/^```bash$/ { on = 1; next } /^```$/ { on = 0 } on' <<<"$sec")
mapfile -t lines < <(awk '/^```console$/ { on = 1; next } /^```$/ { on = 0 } on && /^\$ / { print substr($0, 3) }' <<<"$sec")
[ "${#lines[@]}" -ge 8 ] || fail "README's day has ${#lines[@]} command lines"

setup_herdd
export HERD_CONFIG=$HOSTS PATH=$HERD_BIN:$PATH
DAY=$WORK/day
mkdir -p "$DAY"
printf '%s\n' "$script" >"$DAY/sweep.sh"
# train.py: what the sweep runs, a few epochs with the learning rate.
cat >"$DAY/train.py" <<'PY'
import sys, time
lr = sys.argv[sys.argv.index("--lr") + 1]
for epoch in range(1, 4):
    print("epoch %d lr %s loss %.3f" % (epoch, lr, 1.0 / (epoch + float(lr))), flush=True)
    time.sleep(0.3)
PY
CFG=$TEST_DIR/ssh_config
arr= alloc= n=0

# The README's line with the test's own ids and files.
subst() {
	local l=$1
	[ -n "$arr" ] && l=${l//12_/${arr}_} && l=$(sed -E "s/(^|[^0-9_])12([^0-9]|$)/\\1$arr\\2/g" <<<"$l")
	[ -n "$alloc" ] && l=${l//herd-14/herd-$alloc}
	l=${l//\~\/.ssh\/config/$CFG}
	l=${l//ssh herd-/ssh -F $CFG herd-}
	printf '%s' "$l"
}

for raw in "${lines[@]}"; do
	n=$((n + 1))
	line=$(subst "$raw")
	note "day $n: $line"
	case $line in
	*--pty*)
		tmux_start 100 30 bash -c "cd '$DAY' && $line"
		sleep 1
		tmux_keys 'echo gpus=$CUDA_VISIBLE_DEVICES job=$HERD_JOB_ID' Enter
		tmux_wait 'gpus=[0-9]+ job=[0-9]+' 60 "the debug shell ($line)"
		tmux_keys 'exit' Enter
		assert_eq "status of: $line" 0 "$(tmux_done 30)"
		tmux_tty_same "$line"
		;;
	"herd alloc "*)
		tmux_start 100 30 bash -c "cd '$DAY' && $line"
		tmux_wait 'allocated' 60 "$line"
		alloc=$(herd queue --json | jq -r '.[] | select(.name == "dev" and .state == "RUNNING") | .id')
		[[ $alloc =~ ^[0-9]+$ ]] || fail "no running allocation named dev: '$alloc'"
		tmux_keys 'echo alloc-gpus=$CUDA_VISIBLE_DEVICES' Enter
		tmux_wait 'alloc-gpus=[0-9]+' 30 "the allocation's shell"
		;;
	*)
		(cd "$DAY" && timeout 120 bash -c "$line") >"$TEST_DIR/day.$n" 2>"$TEST_DIR/day.$n.err" ||
		    fail "day $n: '$line' exited $?: $(tail -5 "$TEST_DIR/day.$n.err")"
		;;
	esac
	case $raw in
	"herd submit "*)
		arr=$(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' "$TEST_DIR/day.$n")
		[ -n "$arr" ] || fail "herd submit printed: $(cat "$TEST_DIR/day.$n")" ;;
	"herd logs -f "*)
		grep -q "epoch 3 lr 0.3 " "$TEST_DIR/day.$n" ||
		    fail "herd logs -f of task 3: $(cat "$TEST_DIR/day.$n")" ;;
	"herd top -n 1"*)
		grep -q "$arr" "$TEST_DIR/day.$n" || fail "herd top -n 1 does not show the sweep $arr" ;;
	"herd run -G 1 -- "*)
		grep -qxE '[0-9]+' "$TEST_DIR/day.$n" || fail "herd run's CUDA_VISIBLE_DEVICES: $(cat "$TEST_DIR/day.$n")" ;;
	"ssh herd-"*)
		grep -q "^GPU " "$TEST_DIR/day.$n" || fail "ssh into the allocation: $(cat "$TEST_DIR/day.$n")" ;;
	esac
done
[ -n "$alloc" ] || fail "the day has no herd alloc"
# The sweep: eight tasks completed, each with its own output file.
for t in 1 2 3 4 5 6 7 8; do
	grep -q "epoch 3 lr 0.$t " "$DAY/sweep-${arr}_$t.out" 2>/dev/null ||
	    fail "sweep task $t: $(cat "$DAY/sweep-${arr}_$t.out" 2>&1)"
done
# Evening: the allocation's shell ends, and the allocation with it.
tmux_keys 'exit' Enter
assert_eq "herd alloc's status" 0 "$(tmux_done 30)"
wait_jobs 30 "$alloc" >/dev/null 2>&1
assert_eq "the allocation after its shell's exit" COMPLETED "$(hist_of "$alloc" .state)"
