#!/bin/bash
# t_reload: hosts.ini read again while herdd runs, and submit's --test-only
# and --wait.
#   - --test-only says where a job would start (or why it would wait), with
#     --json prints the job as it would be queued, and queues nothing: the
#     next real submit gets the id it named;
#   - --wait returns when the job ends, with its exit status;
#   - a node added to hosts.ini + SIGHUP comes UP and takes jobs;
#   - a node removed while it runs a job (herd reconfigure): the job ends
#     normally, the node takes no new job and leaves `herd nodes` after;
#   - a broken hosts.ini is refused with FILE:LINE (answer and log), and
#     everything keeps working; changed settings say when they apply; a
#     node whose settings changed reconnects and its running job goes on;
#   - herdd SIGKILLed and started again on the reloaded file: the job on the
#     added node and a `herd submit --wait` across the restart both end well.

. "$(dirname "$0")/lib.sh"

FULL=$TEST_DIR/full.ini
make_config "$FULL" "$STATE"
SOCK=$STATE/herd.sock

# drop_node FILE NAME: FILE without its [node NAME] section.
drop_node() {
	awk -v n="[node $2]" '/^\[/ { skip = ($0 == n) } !skip' "$1" >"$1.new" &&
	    mv "$1.new" "$1" || fail "cannot edit $1"
}

# herd through the socket, whatever hosts.ini holds now (it may be broken).
hs() {
	"$HERD_BIN/herd" -s "$SOCK" "$@"
}

node_names() {
	hs nodes --json | jq -r '[.[].name] | join(",")'
}

gate() {
	echo "while [ ! -e $WORK/go.$1 ]; do sleep 0.2; done; echo done $1"
}

cp "$FULL" "$HOSTS"
drop_node "$HOSTS" node4
start_herdd
wait_nodes_up 3 20
assert_eq "nodes at start" "node1,node2,node3" "$(node_names)"
C=$(hs nodes --json | jq '.[0].cpus')
[ "${C:-0}" -ge 1 ] || fail "node1 has no CPUs: $C"

# --test-only on an idle cluster: where, and nothing queued.
out=$(herd submit --test-only --wrap true) || fail "herd submit --test-only failed: $out"
case $out in
"Job "*" to start at "*" using 1 processors on nodes node"[123]) ;;
*) fail "herd submit --test-only printed '$out'" ;;
esac
tid=${out#Job }
tid=${tid%% *}
json=$(herd submit --test-only --json -J tj -c 1 --wrap "echo hi") ||
    fail "herd submit --test-only --json failed"
assert_eq "--test-only --json .id" "$tid" "$(jq -r .id <<<"$json")"
assert_eq "--test-only --json .state" PENDING "$(jq -r .state <<<"$json")"
assert_eq "--test-only --json .name" tj "$(jq -r .name <<<"$json")"
assert_eq "--test-only --json .cpus" 1 "$(jq -r .cpus <<<"$json")"
assert_eq "--test-only --json .command" "echo hi" "$(jq -r .command <<<"$json")"
assert_eq "--test-only --json .node" null "$(jq -r .node <<<"$json")"
assert_eq "queue after --test-only" "[]" "$(herd queue --json | jq -c .)"
if out=$(herd submit --test-only --gpus 64 --wrap true 2>&1); then
	fail "--test-only of a job no node can run succeeded: $out"
fi
case $out in *"no node has 64 GPUs"*) ;; *) fail "--test-only --gpus 64 said '$out'" ;; esac
herd submit --test-only --json --wait --wrap true >/dev/null 2>&1 &&
    fail "--test-only --wait was accepted"
herd submit --json --wrap true >/dev/null 2>&1 && fail "--json without --test-only was accepted"
real=$(submit --wrap true)
assert_eq "id of the first real job (test-only took none)" "$tid" "$real"
wait_jobs 20 "$real" || fail "job $real did not complete"

# --wait: the job's exit status; -W in the script too.
out=$(timeout 30 "$HERD_BIN/herd" -c "$HOSTS" submit --wait --wrap "exit 3" 2>"$TEST_DIR/w.err")
rc=$?
assert_eq "exit status of submit --wait of 'exit 3'" 3 "$rc"
case $out in "Submitted batch job "*) ;; *) fail "submit --wait printed '$out'" ;; esac
wid=${out##* }
assert_eq "state of job $wid right after --wait" FAILED "$(field "$wid" .state)"
printf '#!/bin/sh\n#SBATCH -W\nsleep 1\n' >"$TEST_DIR/w.sh"
timeout 30 "$HERD_BIN/herd" -c "$HOSTS" submit "$TEST_DIR/w.sh" >"$TEST_DIR/w.out" ||
    fail "submit of a #SBATCH -W script exited $?"
wid=$(sed -n 's/^Submitted batch job //p' "$TEST_DIR/w.out")
assert_eq "state of job $wid right after #SBATCH -W" COMPLETED "$(field "$wid" .state)"

# node1..node3 busy with one all-CPU job each.  Each goes to the node with
# the fewest free GPUs (keeping GPUs usable): node3, node2, then node1.
a3=$(submit -c "$C" -J a3 --wrap "$(gate a3)")
a2=$(submit -c "$C" -J a2 --wrap "$(gate a2)")
a1=$(submit -c "$C" -J a1 --wrap "$(gate a1)")
for j in "$a1" "$a2" "$a3"; do
	wait_state "$j" RUNNING 20
done
assert_eq "node of a3" node3 "$(field "$a3" .node)"
out=$(herd submit --test-only -c "$C" --wrap true) || fail "--test-only on a full cluster failed"
case $out in *"would not start now (Resources)"*) ;; *) fail "--test-only on a full cluster: '$out'" ;; esac

# Add node4: SIGHUP.  It comes up and takes the next job.
cp "$FULL" "$HOSTS"
kill -HUP "$HERDD_PID"
wait_nodes_up 4 30
b=$(submit -c "$C" -J b --wrap true)
wait_jobs 20 "$b" || fail "job $b on the added node did not complete"
assert_eq "node of job $b" node4 "$(field "$b" .node)"
grep -q "reconfigure: node node4: added" "$HERDD_LOG" || fail "the log does not say node4 was added"

# Remove node3 while a3 runs there: herd reconfigure.
drop_node "$HOSTS" node3
out=$(herd reconfigure) || fail "herd reconfigure failed: $out"
case $out in
*"node node3: removed from $HOSTS: takes no new jobs; leaves once its 1 job has ended"*) ;;
*) fail "herd reconfigure said '$out'" ;;
esac
assert_eq "node3's state" DRAINING "$(hs nodes --json | jq -r '.[] | select(.name == "node3") | .state')"
a4=$(submit -c "$C" -J a4 --wrap "$(gate a4)")
wait_state "$a4" RUNNING 20
assert_eq "node of a4" node4 "$(field "$a4" .node)"
d=$(submit -c "$C" -J d --wrap true)
touch "$WORK/go.a3"
wait_jobs 20 "$a3" || fail "job $a3 on the removed node did not complete"
assert_eq "exit code of $a3" 0 "$(field "$a3" .exit_code)"
for ((i = 0; i < 100; i++)); do
	[ "$(node_names)" = "node1,node2,node4" ] && break
	sleep 0.1
done
assert_eq "nodes after node3's job ended" "node1,node2,node4" "$(node_names)"
sleep 1
assert_eq "state of $d (only node3 was free)" PENDING "$(field "$d" .state)"
grep -q "node node3: left" "$HERDD_LOG" || fail "the log does not say node3 left"
touch "$WORK/go.a1"
wait_jobs 20 "$d" || fail "job $d did not complete"
assert_eq "node of $d" node1 "$(field "$d" .node)"

# A broken file: refused with FILE:LINE; the running configuration stays.
cp "$HOSTS" "$TEST_DIR/good.ini"
echo "bogus line" >>"$HOSTS"
bad_line=$(wc -l <"$HOSTS")
if out=$(hs reconfigure 2>&1); then
	fail "herd reconfigure accepted a broken hosts.ini: $out"
fi
case $out in
*"$HOSTS:$bad_line: expected KEY = VALUE; the running configuration stays"*) ;;
*) fail "herd reconfigure of a broken file said '$out'" ;;
esac
kill -HUP "$HERDD_PID"
for ((i = 0; i < 50; i++)); do
	[ "$(grep -c "reconfigure refused: $HOSTS:$bad_line:" "$HERDD_LOG")" -ge 2 ] && break
	sleep 0.1
done
[ "$(grep -c "reconfigure refused: $HOSTS:$bad_line:" "$HERDD_LOG")" -ge 2 ] ||
    fail "the log lacks FILE:LINE of the refused reloads"
assert_eq "nodes after the refused reloads" "node1,node2,node4" "$(node_names)"
e=$(CONF=$TEST_DIR/good.ini submit --wrap true)
CONF=$TEST_DIR/good.ini wait_jobs 20 "$e" || fail "job $e after the refused reload did not complete"
cp "$TEST_DIR/good.ini" "$HOSTS"

# Changed settings: when each applies; node2 reconnects, a2 goes on.
sed -i -e 's/^kill_grace = .*/kill_grace = 3/' -e 's/^cluster = .*/cluster = other/' \
    -e 's/^\[node node2\]$/[node node2]\ncommand_timeout = 40/' "$HOSTS"
out=$(herd reconfigure) || fail "herd reconfigure of changed settings failed"
case $out in *"kill_grace: 2 -> 3 s: applies now"*) ;; *) fail "kill_grace change: '$out'" ;; esac
case $out in *"cluster changed: applies when herdd restarts"*) ;; *) fail "cluster change: '$out'" ;; esac
case $out in
*"node node2: command_timeout changed: it reconnects with the new settings now; its 1 job keeps running"*) ;;
*) fail "node2's change: '$out'" ;;
esac
sed -i 's/^cluster = .*/cluster = test/' "$HOSTS"
out=$(herd reconfigure) || fail "herd reconfigure failed"
case $out in *"no changes"*) ;; *) fail "reconfigure with the started cluster name: '$out'" ;; esac
wait_nodes_up 3 30
touch "$WORK/go.a2"
wait_jobs 20 "$a2" || fail "job $a2 on the reconnected node2 did not complete"
assert_eq "exit code of $a2" 0 "$(field "$a2" .exit_code)"

# Restart on the reloaded file, a4 on node4 and a --wait across it.
( timeout 90 "$HERD_BIN/herd" -c "$HOSTS" submit --wait --wrap "$(gate w)" \
    >"$TEST_DIR/ww.out" 2>"$TEST_DIR/ww.err"; echo $? >"$TEST_DIR/ww.rc" ) &
for ((i = 0; i < 100; i++)); do
	[ -s "$TEST_DIR/ww.out" ] && break
	sleep 0.1
done
ww=$(sed -n 's/^Submitted batch job //p' "$TEST_DIR/ww.out")
[ -n "$ww" ] || fail "submit --wait printed no job id"
wait_state "$ww" RUNNING 20
# The socket moves where a second user can reach it (a restart applies it).
SD=/tmp/herdreload.$UNIQ
mkdir -m 711 "$SD" || fail "cannot make $SD"
at_exit "rm -rf '$SD'"
sed -i "s|^socket = .*|socket = $SD/herd.sock|" "$HOSTS"
SOCK=$SD/herd.sock
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 3 30
assert_eq "nodes after the restart" "node1,node2,node4" "$(node_names)"
touch "$WORK/go.a4" "$WORK/go.w"
wait_jobs 20 "$a4" || fail "job $a4 did not complete after the restart"
for ((i = 0; i < 300; i++)); do
	[ -s "$TEST_DIR/ww.rc" ] && break
	sleep 0.1
done
assert_eq "exit status of submit --wait across a restart" 0 "$(cat "$TEST_DIR/ww.rc" 2>/dev/null)"
assert_eq "state of $ww" COMPLETED "$(field "$ww" .state)"

# Only root (or herdd's own user) may reconfigure.
if command -v useradd >/dev/null && command -v runuser >/dev/null; then
	U=herdr$UNIQ
	U=${U:0:30}
	useradd -M -N -s /bin/sh "$U" || fail "useradd $U failed"
	at_exit "userdel '$U' 2>/dev/null"
	install -m 755 "$HERD_BIN/herd" "$SD/herd"
	chmod 666 "$SOCK"
	out=$(cd "$SD" && runuser -u "$U" -- env ASAN_OPTIONS=detect_leaks=1 \
	    "$SD/herd" -s "$SOCK" reconfigure 2>&1) && fail "user $U could reconfigure: $out"
	case $out in
	*"only root, who runs herdd, may reconfigure it"*) ;;
	*) fail "$U's reconfigure said '$out'" ;;
	esac
else
	note "second-user check skipped: no useradd or runuser"
fi
assert_idle
