#!/bin/bash
# t_misc: the smaller promises.  herd without a controller; one herdd per
# state directory; herdd --check; a node whose host key is unknown is DOWN;
# #SBATCH directives (and the command line winning over them); herd wait on
# a failed job; a script edited after submit runs as submitted.

. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"

# herd with no herdd: one line, "not running", exit non-zero.
out=$(herd queue 2>&1) && fail "herd queue without herdd exited 0: $out"
assert_eq "lines printed by herd queue without herdd" 1 "$(printf '%s\n' "$out" | wc -l)"
grep -q "not running" <<<"$out" || fail "herd queue without herdd: no 'not running' in: $out"

# herdd --check: good, then an unknown key on a known line.
out=$("$HERD_BIN/herdd" -c "$HOSTS" --check 2>&1) ||
    fail "herdd --check on a good config exited non-zero: $out"
grep -q "OK" <<<"$out" || fail "herdd --check on a good config: $out"
bad=$TEST_DIR/bad.ini
{ sed -n '1,3p' "$HOSTS"; echo "frobnicate = 1"; sed -n '4,$p' "$HOSTS"; } >"$bad"
out=$("$HERD_BIN/herdd" -c "$bad" --check 2>&1) &&
    fail "herdd --check on a config with an unknown key exited 0: $out"
grep -qF "$bad:4" <<<"$out" || fail "herdd --check: expected $bad:4 in: $out"

start_herdd
first=$HERDD_PID
wait_nodes_up 4 20

# A second herdd on the same state directory refuses to run.
out=$(timeout 20 "$HERD_BIN/herdd" -c "$HOSTS" 2>&1)
rc=$?
[ "$rc" -ne 124 ] || fail "a second herdd on the same state dir did not exit within 20 s"
[ "$rc" -ne 0 ] || fail "a second herdd on the same state dir exited 0: $out"
grep -q "already" <<<"$out" || fail "second herdd: no 'already' in: $out"
alive "$first" || fail "the first herdd died when a second one was started"
assert_eq "nodes UP after the second herdd's attempt" 4 \
    "$(herd nodes --json | jq '[.[] | select(.state == "IDLE" or .state == "MIXED" or .state == "ALLOCATED")] | length')"

# An empty known_hosts file: every node's key is unknown, so every node DOWN
# with a reason about known_hosts; no job may run.
: >"$TEST_DIR/no-keys"
kh=$TEST_DIR/kh.ini
make_config "$kh" "$TEST_DIR/state-kh" "known_hosts=$TEST_DIR/no-keys" down_after=1
start_herdd "$kh" "$TEST_DIR/kh-herdd.log"
khpid=$HERDD_PID
states=
for i in $(seq 1 100); do
	states=$(CONF=$kh herd nodes --json 2>/dev/null | jq -c '[.[] | .state]')
	case $states in
	*IDLE*|*MIXED*|*ALLOCATED*) fail "a node whose host key is unknown is up: $(CONF=$kh herd nodes | cat -v)" ;;
	'["DOWN","DOWN","DOWN","DOWN"]') break ;;
	esac
	sleep 0.1
done
assert_eq "node states 10 s after starting with an empty known_hosts" \
    '["DOWN","DOWN","DOWN","DOWN"]' "$states"
reason=$(CONF=$kh herd nodes --json | jq -r '.[] | select(.name == "node1") | .reason')
# The file is named so that only herd's own words can say "known_hosts";
# naming the file is as good.
grep -qF -e known_hosts -e "$TEST_DIR/no-keys" <<<"$reason" ||
    fail "reason for the unknown host key mentions neither known_hosts nor the file: $reason"
# A job there is refused or pends; it must not run.
if out=$(CONF=$kh herd submit --parsable --wrap "touch '$TEST_DIR/kh-ran'" 2>&1); then
	sleep 1
	[ ! -e "$TEST_DIR/kh-ran" ] || fail "job $out ran although no node's host key is known"
	assert_eq "state of job $out with every node DOWN" PENDING "$(CONF=$kh field "$out" .state)"
	CONF=$kh herd cancel "$out" || fail "herd cancel $out failed"
fi
stop_herdd "$khpid" TERM
HERDD_PID=$first

# #SBATCH directives: GPUs and name from the script; the command line wins.
cat >"$TEST_DIR/sb.sh" <<'EOF'
#!/bin/bash
#SBATCH --gres=gpu:2
#SBATCH -J from-directive
printf '%s|%s\n' "$CUDA_VISIBLE_DEVICES" "$SLURM_JOB_NAME"
EOF
a=$(submit "$TEST_DIR/sb.sh")
b=$(submit -J from-cmdline "$TEST_DIR/sb.sh")
c=$(submit --gpus 1 "$TEST_DIR/sb.sh")
wait_jobs 30 "$a" "$b" "$c" || fail "the #SBATCH jobs did not complete"
assert_eq "job $a: [ngpus, name]" '[2,"from-directive"]' "$(show_json "$a" | jq -c '[.ngpus, .name]')"
assert_eq "job $b: [ngpus, name]" '[2,"from-cmdline"]' "$(show_json "$b" | jq -c '[.ngpus, .name]')"
assert_eq "job $c: [ngpus, name]" '[1,"from-directive"]' "$(show_json "$c" | jq -c '[.ngpus, .name]')"
for id in "$a" "$b" "$c"; do
	want="$(field "$id" '.gpus | map(tostring) | join(",")')|$(field "$id" .name)"
	assert_eq "job $id: what it saw (CUDA_VISIBLE_DEVICES|SLURM_JOB_NAME)" "$want" \
	    "$(cat "$WORK/herd-$id.out")"
done
[[ $(cat "$WORK/herd-$a.out") =~ ^[0-9]+,[0-9]+\|from-directive$ ]] ||
    fail "job $a did not get 2 GPUs: $(cat "$WORK/herd-$a.out")"

# herd wait on a failing job.
f=$(submit --wrap 'exit 5')
wait_jobs 30 "$f" 2>"$TEST_DIR/wait.err" && fail "herd wait on a job that exits 5 exited 0"
grep -q FAILED "$TEST_DIR/wait.err" || fail "herd wait did not say FAILED: $(cat "$TEST_DIR/wait.err")"
assert_eq "job $f: [state, exit_code]" '["FAILED",5]' "$(show_json "$f" | jq -c '[.state, .exit_code]')"

# The script is taken at submit: rewriting it while the job pends changes
# nothing.
tag="64.$UNIQ"
blk=$(submit --gpus 8 --wrap "sleep $tag")
wait_state "$blk" RUNNING 20
printf '#!/bin/sh\necho A\n' >"$TEST_DIR/edit.sh"
e=$(submit --gpus 8 "$TEST_DIR/edit.sh")
assert_eq "state of job $e behind the blocker" PENDING "$(field "$e" .state)"
printf '#!/bin/sh\necho B\n' >"$TEST_DIR/edit.sh"
herd cancel "$blk" || fail "herd cancel $blk failed"
wait_jobs 30 "$e" || fail "job $e did not complete"
assert_file_is "$WORK/herd-$e.out" "A
"
wait_gone "sleep $tag" 10 || fail "blocker $blk still running after cancel"
assert_idle
