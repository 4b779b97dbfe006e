#!/bin/bash
# t_cli: the client's command-line habits, through the real binaries.
# --version, help and --help (stdout, exit 0; the command column as wide
# as its longest name); -c with a missing file says
# so and nothing else; every subcommand names an unknown option (exit 2);
# -n1 as -n 1, --opt=value as --opt value; squeue's filters on herd queue
# (-u, --me, -j, -t with Slurm's short states, -h, -p refused); scancel's
# on herd cancel (-u, -n, -t, --me, and their intersection with ids); herd
# wait --timeout (status 124, the jobs still active named); exit codes as
# sacct's EXIT:SIGNAL; Slurm's durations in herd show; tables cut to
# COLUMNS=40 with a CJK job name, no trailing blanks; a DOWN node shows "-".

. "$(dirname "$0")/lib.sh"

H=$HERD_BIN/herd
make_config "$HOSTS" "$STATE"

# Display columns of the widest line (wc -L counts CJK as two in a UTF-8 locale).
widest() { LC_ALL=C.UTF-8 wc -L; }

# --- Version and help: stdout, exit 0.
for v in --version -V version; do
	out=$("$H" $v 2>/dev/null) || fail "herd $v exited $?"
	[[ $out =~ ^herd\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "herd $v printed '$out'"
done
out=$("$H" help 2>/dev/null) || fail "herd help exited $?"
grep -q "^  queue " <<<"$out" || fail "herd help lists no queue command: $out"
# The command column is as wide as the longest name (reconfigure): every
# summary starts in one column, at least two blanks after its name.
cols=$(sed -n '/^commands:$/,/^$/p' <<<"$out" | grep '^  [a-z]' |
	sed -E 's/^(  [a-z-]+ +)[^ ].*/\1/' | awk '{ print length($0) }' | sort -u)
[[ $cols =~ ^[0-9]+$ ]] || fail "herd help: summaries start in columns $(echo $cols): $out"
grep -Eq "^  reconfigure  +[a-z]" <<<"$out" || fail "herd help: reconfigure runs into its text: $out"
assert_eq "herd --help and herd help" "$out" "$("$H" --help 2>/dev/null)"
for c in queue nodes show history cancel wait; do
	out=$("$H" help $c 2>/dev/null) || fail "herd help $c exited $?"
	grep -q "^usage: herd $c" <<<"$out" || fail "herd help $c: no usage line in: $out"
	grep -q -- "--help" <<<"$out" || fail "herd help $c does not describe --help: $out"
	assert_eq "herd $c --help (stdout) and herd help $c" "$out" "$("$H" $c --help 2>/dev/null)"
done
for c in nodes show history cancel wait; do	# queue's -h is squeue's --noheader
	assert_eq "herd $c -h and herd help $c" "$("$H" help $c)" "$("$H" $c -h 2>/dev/null)"
done
"$H" help queue | grep -q -- "--states" || fail "herd help queue does not describe --states"
"$H" help wait | grep -q -- "--timeout" || fail "herd help wait does not describe --timeout"
"$H" help cancel | grep -q -- "--name" || fail "herd help cancel does not describe --name"
out=$("$H" help submit 2>/dev/null) || fail "herd help submit exited $?"
[ -n "$out" ] || fail "herd help submit printed nothing on stdout"

# --- A configuration that is not there: said once, and no "not running".
out=$("$H" -c /nonexistent.ini queue 2>&1)
rc=$?
[ "$rc" -eq 1 ] || [ "$rc" -eq 2 ] || fail "herd -c /nonexistent.ini queue exited $rc"
assert_eq "herd -c /nonexistent.ini queue" "herd: /nonexistent.ini: No such file or directory" "$out"

# --- Unknown options, named by every subcommand, exit 2.
for c in queue nodes show history cancel wait; do
	out=$(herd $c --xyz 1 2>&1 >/dev/null)
	rc=$?
	assert_eq "exit status of herd $c --xyz" 2 "$rc"
	assert_eq "first line of herd $c --xyz" "herd $c: unknown option --xyz" "$(head -1 <<<"$out")"
	grep -q "^usage: herd $c" <<<"$out" || fail "herd $c --xyz: no usage line in: $out"
	out=$(herd $c -Q 1 2>&1 >/dev/null)
	assert_eq "first line of herd $c -Q" "herd $c: unknown option -Q" "$(head -1 <<<"$out")"
done
out=$(herd cancel --all 2>&1)
assert_eq "herd cancel --all" "herd cancel: unknown option --all" "$(head -1 <<<"$out")"
out=$(herd history -n 2>&1)
assert_eq "herd history -n (no value)" "herd history: option -n needs a value" "$(head -1 <<<"$out")"
# -p filters by partition (t_partition); an empty name is refused here.
out=$(herd queue -p gpu,, 2>&1)
assert_eq "exit status of herd queue -p gpu,," 2 "$(herd queue -p gpu,, >/dev/null 2>&1; echo $?)"
grep -q "partition" <<<"$out" || fail "herd queue -p gpu,,: $out"
out=$(herd queue -t XX 2>&1)
assert_eq "exit status of herd queue -t XX" 2 "$(herd queue -t XX >/dev/null 2>&1; echo $?)"
grep -q '"XX"' <<<"$out" || fail "herd queue -t XX does not name XX: $out"

start_herdd
wait_nodes_up 4 20
me=$(id -un)

# --- Jobs: a blocker on node1's 8 GPUs; two 8-GPU jobs pend behind it.
cjk="日本語のとても長いジョブの名前です-$UNIQ"
tag="71.$UNIQ"
blk=$(submit -J blocker --gpus 8 --time 10 --wrap "sleep $tag")
wait_state "$blk" RUNNING 20
p1=$(submit -J "$cjk" --gpus 8 --wrap true)
p2=$(submit -J other --gpus 8 --wrap true)
ids() { jq -c '[.[].id]'; }

assert_eq "queue -t PD" "[$p1,$p2]" "$(herd queue -t PD --json | ids)"
assert_eq "queue -tpending" "[$p1,$p2]" "$(herd queue -tpending --json | ids)"
assert_eq "queue --states=r" "[$blk]" "$(herd queue --states=r --json | ids)"
assert_eq "queue --states R,PD" "[$blk,$p1,$p2]" "$(herd queue --states R,PD --json | ids)"
assert_eq "queue -t all" "[$blk,$p1,$p2]" "$(herd queue -t all --json | ids)"
assert_eq "queue -j$p2" "[$p2]" "$(herd queue -j$p2 --json | ids)"
assert_eq "queue --jobs=$blk,$p2" "[$blk,$p2]" "$(herd queue --jobs=$blk,$p2 --json | ids)"
assert_eq "queue -u $me" "[$blk,$p1,$p2]" "$(herd queue -u "$me" --json | ids)"
assert_eq "queue --user nobody" "[]" "$(herd queue --user nobody --json | ids)"
assert_eq "queue -u nobody,$(id -u)" "[$blk,$p1,$p2]" "$(herd queue -u "nobody,$(id -u)" --json | ids)"
assert_eq "queue --me" "[$blk,$p1,$p2]" "$(herd queue --me --json | ids)"
assert_eq "queue -m -t R" "[$blk]" "$(herd queue -m -t R --json | ids)"
herd queue | head -1 | grep -q '^JOBID' || fail "herd queue has no header"
out=$(herd queue -h) || fail "herd queue -h exited $?"
grep -q 'JOBID' <<<"$out" && fail "herd queue -h printed a header: $out"
assert_eq "lines of herd queue --noheader" 3 "$(wc -l <<<"$out")"

# --- Tables: into a pipe nothing is cut; at COLUMNS=40 every line fits.
herd queue | grep -qF -- "$cjk" || fail "herd queue into a pipe cut the name: $(herd queue)"
out=$(COLUMNS=40 herd queue)
w=$(widest <<<"$out")
[ "$w" -le 40 ] || fail "COLUMNS=40 herd queue: a line $w columns wide: $out"
grep -q '…' <<<"$out" || fail "COLUMNS=40 herd queue: no … in: $out"
grep -q '日本' <<<"$out" || fail "COLUMNS=40 herd queue: the CJK name is gone: $out"
grep -q ' $' <<<"$out" && fail "COLUMNS=40 herd queue: trailing blanks: $(cat -A <<<"$out")"
iconv -f UTF-8 -t UTF-8 <<<"$out" >/dev/null || fail "COLUMNS=40 herd queue: a split character"
grep -q ' $' <<<"$(herd queue; herd nodes; herd history --all)" &&
    fail "trailing blanks in a table: $(herd queue | cat -A)"

# --- herd show: Slurm's time limit, elapsed and remaining while running.
out=$(herd show "$blk")
grep -qE '^time_limit +00:10:00$' <<<"$out" || fail "herd show $blk: time_limit: $out"
grep -qE '^elapsed +00:[0-9]{2}:[0-9]{2}$' <<<"$out" || fail "herd show $blk: elapsed: $out"
grep -qE '^remaining +00:(09|10):[0-9]{2}$' <<<"$out" || fail "herd show $blk: remaining: $out"
grep -qE '^time_limit +UNLIMITED$' <<<"$(herd show "$p1")" || fail "herd show $p1: no UNLIMITED"

# --- herd wait --timeout: gives up, names what is still active, 124.
out=$(herd wait --timeout 1 "$blk" "$p1" 2>&1)
rc=$?
assert_eq "exit status of herd wait --timeout 1 on running jobs" 124 "$rc"
grep -q "job $blk RUNNING" <<<"$out" || fail "herd wait --timeout: job $blk not named: $out"
grep -q "job $p1 PENDING" <<<"$out" || fail "herd wait --timeout: job $p1 not named: $out"

# --- herd cancel with filters, as scancel.
herd cancel -u nobody || fail "herd cancel -u nobody exited $?"
herd cancel -n other -t R || fail "herd cancel -n other -t R exited $?"
assert_eq "queue after cancels that match nothing" "[$blk,$p1,$p2]" "$(herd queue --json | ids)"
herd cancel -n other || fail "herd cancel -n other exited $?"
assert_eq "state of $p2 after cancel -n other" CANCELLED "$(field "$p2" .state)"
herd cancel -t PD "$blk" || fail "herd cancel -t PD $blk exited $?"
assert_eq "state of $blk after cancel -t PD $blk" RUNNING "$(field "$blk" .state)"
herd cancel --user="$me" --state=pending "$p1" "$blk" || fail "herd cancel -u -t ids exited $?"
assert_eq "state of $p1 after cancel -u me -t pending" CANCELLED "$(field "$p1" .state)"
assert_eq "state of $blk after cancel -u me -t pending" RUNNING "$(field "$blk" .state)"
herd cancel --me -tR || fail "herd cancel --me -tR exited $?"
wait_gone "sleep $tag" 15 || fail "job $blk still running after herd cancel --me -tR"
wait_state "$blk" CANCELLED 10

# --- Exit codes: EXIT:SIGNAL in history, show and wait; raw in JSON, with the signal.
k=$(submit -J killed --wrap 'kill -9 $$')
e=$(submit -J three --wrap 'exit 3')
out=$(wait_jobs 30 "$k" "$e" 2>&1)
assert_eq "exit status of herd wait on failed jobs" 1 "$?"
grep -qF "herd: job $k ended FAILED (exit code 0:9, SIGKILL)" <<<"$out" || fail "herd wait: $out"
grep -qF "herd: job $e ended FAILED (exit code 3:0)" <<<"$out" || fail "herd wait: $out"
grep -qE '^exit_code +0:9 \(SIGKILL\)$' <<<"$(herd show "$k")" || fail "herd show $k: $(herd show "$k")"
grep -qE '^exit_code +3:0$' <<<"$(herd show "$e")" || fail "herd show $e: $(herd show "$e")"
assert_eq "JSON exit_code, signal of $k" "137 9" "$(field "$k" '"\(.exit_code) \(.signal)"')"
assert_eq "JSON exit_code, signal of $e" "3 0" "$(field "$e" '"\(.exit_code) \(.signal)"')"
assert_eq "JSON signal of never-run $p1" null "$(field "$p1" .signal)"
assert_eq "EXIT of $k in herd history" "0:9" "$(herd history | awk -v id="$k" '$1 == id { print $5 }')"
assert_eq "EXIT of $e in herd history" "3:0" "$(herd history | awk -v id="$e" '$1 == id { print $5 }')"
grep -qE '^elapsed +00:00:[0-9]{2}$' <<<"$(herd show "$e")" || fail "herd show $e: elapsed"

# --- herd history -n1 as -n 1, --count=1, --count 1.
for n in -n1 "-n 1" --count=1 "--count 1"; do
	assert_eq "jobs in herd history $n" 1 "$(herd history $n --json | jq length)"
done
assert_eq "lines of herd history -n1" 2 "$(herd history -n1 | wc -l)"
assert_eq "jobs in herd history -an2" 2 "$(herd history -an2 --json | jq length)"
j=$(submit --wrap true)
herd wait --timeout=30 "$j" || fail "herd wait --timeout=30 $j (a true job) exited $?"
assert_idle

# --- A DOWN node (here: its host key is unknown) shows "-", not 0/0.
: >"$TEST_DIR/no-keys"
kh=$TEST_DIR/kh.ini
make_config "$kh" "$TEST_DIR/state-kh" "known_hosts=$TEST_DIR/no-keys" down_after=1
start_herdd "$kh" "$TEST_DIR/kh-herdd.log"
for i in $(seq 1 100); do
	[ "$(CONF=$kh herd nodes --json | jq -c '[.[].state]')" = '["DOWN","DOWN","DOWN","DOWN"]' ] && break
	sleep 0.1
done
out=$(CONF=$kh herd nodes)
assert_eq "PARTITIONS STATE CPUS MEMORY GPUS of DOWN node1" "- DOWN - - -" \
    "$(awk '$1 == "node1" { print $2, $3, $4, $5, $6 }' <<<"$out")"
