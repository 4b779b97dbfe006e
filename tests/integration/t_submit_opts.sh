#!/bin/bash
# t_submit_opts: herd submit never drops an option that changes how a job
# runs.  Each refused option, on the command line and on an #SBATCH line,
# makes herd submit exit 2 with a message naming it and queues nothing;
# -N 1 -n 2 -c 2 asks for 4 CPUs without a word; abbreviations and
# Slurm's aliases work; a script on standard input runs; submit --help
# prints the options on stdout and exits 0.

. "$(dirname "$0")/lib.sh"

setup_herdd

queue_now() {
	herd queue --json || fail "herd queue --json failed"
}

# refused SPELLING... -- WANT: the command line, then the same words on an
# #SBATCH line, are refused with WANT in the message; the queue is as before.
refused() {
	local words=() want out rc before
	while [ "$1" != "--" ]; do
		words+=("$1")
		shift
	done
	want=$2
	before=$(queue_now)

	out=$(herd submit "${words[@]}" --wrap true 2>&1 </dev/null)
	rc=$?
	assert_eq "exit status of herd submit ${words[*]} --wrap true (output: $out)" 2 "$rc"
	grep -qF -- "$want" <<<"$out" ||
	    fail "herd submit ${words[*]}: expected '$want' in: $out"
	grep -qF "not supported yet" <<<"$out" ||
	    fail "herd submit ${words[*]}: the message does not say what herd does not do: $out"

	printf '#!/bin/sh\n#SBATCH %s\necho ran\n' "${words[*]}" >"$TEST_DIR/refused.sh"
	out=$(herd submit "$TEST_DIR/refused.sh" 2>&1 </dev/null)
	rc=$?
	assert_eq "exit status of herd submit with '#SBATCH ${words[*]}' (output: $out)" 2 "$rc"
	grep -qF -- "$TEST_DIR/refused.sh:2: $want" <<<"$out" ||
	    fail "#SBATCH ${words[*]}: expected '$TEST_DIR/refused.sh:2: $want' in: $out"

	assert_eq "herd queue --json after refusing ${words[*]}" "$before" "$(queue_now)"
}

# A job pending behind a blocker, so that "the queue is unchanged" is
# checked against a queue that is not empty.
tag="83.$UNIQ"
blk=$(submit --gpus 8 --wrap "sleep $tag")
pend=$(submit --gpus 8 --wrap true)

# (--array and --dependency act now: t_array and t_eligible check their bad values.)
refused -N 2 -- "--nodes=2: multi-node jobs are not supported yet"
refused --nodes=2-4 -- "--nodes=2-4: multi-node jobs are not supported yet"
# (--mem-per-cpu, --mem-per-gpu, --cpus-per-gpu, -w, -x, -C and GPU types
# act now: t_gputype checks them.)
# --mem=0 and --hint=nomultithread are acted on now (t_hint_mem); the
# other --hint values still lay out tasks, which herd does not
refused --hint=compute_bound -- "--hint=compute_bound: laying out tasks is not supported yet: herd acts on nomultithread"
refused --export=NONE -- "--export=NONE is not supported yet"
# -p and --qos act; without [partition] and [qos] sections herdd refuses them.
for w in "-p gpu" "--part=gpu" "--qos=high"; do
	out=$(herd submit $w --wrap true 2>&1 </dev/null) && fail "herd submit $w was queued: $out"
	grep -qE "invalid (partition|qos) specified: .*hosts.ini has no \[(partition|qos) NAME\]" \
	    <<<"$out" || fail "herd submit $w: $out"
done
refused --exclusive=mcs -- "--exclusive=mcs: MCS labels are not supported yet"
refused --gpus-per-task=1 -- "--gpus-per-task=1 is not supported yet"
refused --reservation=r1 -- "--reservation=r1 is not supported yet"
refused --deadline=now+1day -- "--deadline=now+1day is not supported yet"
refused --priority=5 -- "--priority=5 is not supported yet"
refused --time-min=5 -- "--time-min=5 is not supported yet"
refused --tmp=1G -- "--tmp=1G is not supported yet"
refused -L matlab -- "--licenses=matlab is not supported yet"
refused --overcommit -- "--overcommit is not supported yet"
refused --open-mode=append -- "--open-mode=append: appending is not supported yet"
refused --gres=nvme:1 -- "--gres=nvme:1: resources other than GPUs are not supported yet"

# An ambiguous abbreviation is an error naming the candidates.
out=$(herd submit --ti 5 --wrap true 2>&1 </dev/null)
assert_eq "exit status of herd submit --ti 5" 2 "$?"
grep -qF "ambiguous option --ti: could be --time, --time-min" <<<"$out" ||
    fail "herd submit --ti 5: $out"

herd cancel "$blk" "$pend" >/dev/null || fail "herd cancel $blk $pend failed"

# -N 1 -n 2 -c 2: one node, two tasks of two CPUs, without a warning, and
# herd asks for 4 CPUs.  The test nodes have 2 CPUs each, so herdd says no
# node has 4: the total, not the 2 per task, reached it.
out=$(herd submit -N 1 -n 2 -c 2 --wrap true 2>&1 </dev/null)
grep -qF "no node has 4 CPUs" <<<"$out" ||
    fail "herd submit -N 1 -n 2 -c 2 on 2-CPU nodes: expected 'no node has 4 CPUs' in: $out"
grep -q "warning" <<<"$out" && fail "herd submit -N 1 -n 2 -c 2 warned: $out"
# -N 1 -n 2 (-c 1): two CPUs, runs, no warning.
t=$(herd submit --parsable -N 1 -n 2 -c 1 --wrap 'echo tasks ok' 2>"$TEST_DIR/t.err") ||
    fail "herd submit -N 1 -n 2 -c 1 failed: $(cat "$TEST_DIR/t.err")"
assert_eq "stderr of herd submit -N 1 -n 2 -c 1" "" "$(cat "$TEST_DIR/t.err")"
# The same from directives, with abbreviations on the command line.
cat >"$TEST_DIR/tasks.sh" <<'EOF'
#!/bin/sh
#SBATCH -N 1
#SBATCH --ntasks-per-node=2
#SBATCH --nodes=1-1 --no-requeue
echo "tasks ok"
EOF
d=$(herd submit --parsable --cpus-per-t=1 --job=tasks "$TEST_DIR/tasks.sh" 2>"$TEST_DIR/d.err") ||
    fail "herd submit with -N 1 and --ntasks-per-node=2 directives failed: $(cat "$TEST_DIR/d.err")"
assert_eq "stderr of herd submit with -N 1 and --ntasks-per-node=2 directives" "" \
    "$(cat "$TEST_DIR/d.err")"
wait_jobs 30 "$t" "$d" || fail "jobs $t and $d did not complete"
assert_eq "job $t: [state, cpus]" '["COMPLETED",2]' "$(show_json "$t" | jq -c '[.state, .cpus]')"
assert_eq "job $d: [state, cpus, name]" '["COMPLETED",2,"tasks"]' \
    "$(show_json "$d" | jq -c '[.state, .cpus, .name]')"
assert_file_is "$WORK/herd-$t.out" $'tasks ok\n'
assert_file_is "$WORK/herd-$d.out" $'tasks ok\n'

# The script on standard input: with no script, and as "-".
s1=$(printf '#!/bin/sh\n#SBATCH -J from-stdin\necho "stdin %s"\n' one | herd submit --parsable 2>"$TEST_DIR/s.err") ||
    fail "herd submit with the script on stdin failed: $(cat "$TEST_DIR/s.err")"
s2=$(printf '#!/bin/sh\necho "stdin %s"\n' two | herd submit --parsable - 2>"$TEST_DIR/s.err") ||
    fail "herd submit - failed: $(cat "$TEST_DIR/s.err")"
wait_jobs 30 "$s1" "$s2" || fail "the jobs read from stdin did not complete"
assert_file_is "$WORK/herd-$s1.out" $'stdin one\n'
assert_file_is "$WORK/herd-$s2.out" $'stdin two\n'
assert_eq "name of job $s1" from-stdin "$(field "$s1" .name)"

# --help and -h: every option, on stdout, exit 0.
for h in --help -h --he; do
	out=$(herd submit "$h" 2>"$TEST_DIR/h.err")
	assert_eq "exit status of herd submit $h" 0 "$?"
	assert_eq "stderr of herd submit $h" "" "$(cat "$TEST_DIR/h.err")"
	for o in --gpus --cpus-per-task --ntasks --nodes --mem --time --job-name \
	    --output --error --chdir --wrap --parsable --partition --dependency \
	    --array --mail-type --no-requeue; do
		grep -qe "$o" <<<"$out" || fail "herd submit $h does not describe $o"
	done
done
