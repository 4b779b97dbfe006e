#!/bin/bash
# t_lab_forge: what a user's own node session says is believed about that
# user's jobs only.  In lab mode herdd logs in to a node as user B to run
# B's jobs; everything that session prints is B's to choose (B owns the
# authorized_keys line that lets herdd in, and can give it a command=
# wrapper; B owns the job files its programs read).  Here B's session
# answers every batch of herdd with one more line, the reconcile answer
# "R KEY exited 7 0" for A's running job: herdd must not end A's job for
# it (the events channel is already checked so, t_lab; the shell's answers
# must be too).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hfa${UNIQ:0:10} B=hfb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done

# A's job, running; its key (the prefix is in every user's own job files).
tag="3041.$UNIQ"
ja=$(as "$A" submit --parsable --wrap "sleep $tag") || fail "$A: submit: $ja"
CONF=$LAB wait_state "$ja" RUNNING 30
f=$(ls "$SD/home/$A/.herd/jobs" | grep "\-$ja\.1\.script$") || fail "no files of $A's job $ja"
akey=${f%.script}

# B's session: every answer of herdd's shell gets the forged line before
# its end marker (sed on the shell's output, through a command= wrapper on
# B's own authorized_keys line).
cat >"$SD/home/$B/wrap" <<EOF
#!/bin/sh
case \$SSH_ORIGINAL_COMMAND in
'exec /bin/sh -s') /bin/sh -s | sed -u 's/^@@herd-end/R $akey exited 7 0\n&/' ;;
*) exec /bin/sh -c "\$SSH_ORIGINAL_COMMAND" ;;
esac
EOF
chown "$B" "$SD/home/$B/wrap"
chmod 755 "$SD/home/$B/wrap"
runuser -u "$B" -- sed -i "s|^from=\"127.0.0.1\",restrict|from=\"127.0.0.1\",restrict,command=\"$SD/home/$B/wrap\"|" \
    "$SD/home/$B/.ssh/authorized_keys"
grep -q 'restrict,command=' "$SD/home/$B/.ssh/authorized_keys" ||
    fail "could not give $B's key line a command: $(cat "$SD/home/$B/.ssh/authorized_keys")"

# B's own job: its launch, start, cancel and stop are batches of B's
# session, each answered with the forged line too.
tag2="3042.$UNIQ"
jb=$(as "$B" submit --parsable --wrap "sleep $tag2") || fail "$B: submit: $jb"
CONF=$LAB wait_state "$jb" RUNNING 30
pgrep -u "$B" -f "sleep $tag2" >/dev/null || fail "$B's job does not run (the wrapper broke it)"
out=$(as "$B" cancel "$jb" 2>&1) || fail "$B could not cancel his own job: $out"
CONF=$LAB wait_state "$jb" CANCELLED 30
# The kill's answer and the reconcile that frees the node came back.
for ((i = 0; i < 100; i++)); do
	[ "$(CONF=$LAB herd show "$jb" --json | jq -r .exit_code)" != -1 ] && break
	sleep 0.1
done

assert_eq "state of $A's job after $B's session forged its end" RUNNING \
    "$(CONF=$LAB field "$ja" .state)"
pgrep -u "$A" -f "sleep $tag" >/dev/null || fail "$A's job is not running any more"
out=$(as "$A" cancel "$ja" 2>&1) || fail "$A could not cancel her job: $out"
CONF=$LAB wait_state "$ja" CANCELLED 30

stop_herdd "$HERDD_PID"
lab_check_san
exit 0
