#!/bin/bash
# t_lab: lab mode with real local users.  herdd runs as a service account;
# three users register and submit from their own accounts; on the nodes
# their jobs run under their own uids (a job writes `id -u` and a file whose
# owner is checked); another user's cancel is refused naming the owner; an
# unregistered user is refused with the fix; B cannot ssh in as A (his own
# key is not A's, the lab key is unreadable to him); the lab key is private and its
# authorized_keys line works only from lab_from; per-(node, user) sessions
# close when idle; loose permissions on the state directory or the key stop
# herdd with the fix; unregister takes the key line back.
#
# It follows README's "Set up a lab" (service account, a restricted probe
# key, hosts.ini in lab mode checked with herdd --check, herdd started, each
# user registers and submits with a plain `herd` that finds the socket in
# the system-wide hosts.ini) with three users and two nodes, and notes how
# long that took, from nothing to the three users' first jobs done.  A
# locked account (a user's, the probe account's) is named among the causes
# of a refused key; with herdd down, users are told to ask the admins.
. "$(dirname "$0")/lib.sh"

lab_t0=$SECONDS
. "$(dirname "$0")/lablib.sh"

USERS=()
for x in a b c; do
	u=hl$x${UNIQ:0:10}
	mkuser "$u"
	USERS+=("$u")
done
A=${USERS[0]} B=${USERS[1]} C=${USERS[2]}
lab_config "session_idle = 3" "admins = $A"

# README's step 3: a probe account of its own on the nodes (their homes are
# $SD/home, shared as NFS homes are), made with useradd -m -p '*' so that a
# key may log in, with the service account's key allowed from the
# controller only; hosts.ini's [defaults] user names it.
PR=hp${UNIQ:0:10}
useradd -m -d "$SD/home/$PR" -p '*' -s /bin/sh "$PR" || fail "useradd -m -p '*' $PR failed"
at_exit "pkill -KILL -u '$PR' 2>/dev/null; userdel '$PR' 2>/dev/null"
install -d -o "$PR" -g "$PR" -m 700 "$SD/home/$PR/.ssh"
echo "from=\"127.0.0.1\",restrict $(cat "$SD/svc/probe_key.pub")" >>"$SD/home/$PR/.ssh/authorized_keys"
chown "$PR": "$SD/home/$PR/.ssh/authorized_keys" && chmod 600 "$SD/home/$PR/.ssh/authorized_keys"
sed -i "s/^user = .*/user = $PR/" "$LAB"

# herd as USER as README's step 7 runs it: no -s or -c, the socket comes
# from the lab's system-wide hosts.ini (HERD_SYSTEM_CONFIG: a test does not
# write /etc/herd/hosts.ini).
sys_as() {
	local u=$1
	shift
	(cd "$SD/home/$u" && runuser -u "$u" -- env -u HERD_SOCKET -u HERD_CONFIG \
	    -u HERD_CONTROLLER -u XDG_CONFIG_HOME -u XDG_STATE_HOME HOME="$SD/home/$u" \
	    HERD_SYSTEM_CONFIG="$LAB" ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
	    UBSAN_OPTIONS=print_stacktrace=1:log_path="$SD/san/herd" "$SD/bin/herd" "$@")
}
out=$(setpriv --reuid="$SVC" --regid="$(id -g "$SVC")" --init-groups \
    "$SD/bin/herdd.real" --check -c "$LAB" 2>&1) || fail "herdd --check: $out"
assert_eq "herdd --check" "$LAB: OK, 2 nodes" "$out"

start_svc
wait_nodes_up 2 30 "$LAB"
# The probe account only probes: one session per node, no event stream.
# A connection is an sshd of the user whose parent is root's monitor (a
# child it forks on its way to running a command is the user's too).
svc_conns() {
	local p n=0
	for p in $(pgrep -u "$PR" -x sshd); do
		[ "$(stat -c %U "/proc/$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)" 2>/dev/null)" = root ] &&
		    n=$((n + 1))
	done
	echo "$n"
}
for ((i = 0; i < 30; i++)); do
	[ "$(svc_conns)" = 2 ] && break
	sleep 0.1
done
assert_eq "SSH connections of the probe account (2 nodes)" 2 "$(svc_conns)"
owner=$(stat -c %U "$SD/state/lab_key") || fail "herdd made no lab key in $SD/state"
assert_eq "owner of the lab key" "$SVC" "$owner"
assert_eq "mode of the lab key" 600 "$(stat -c %a "$SD/state/lab_key")"
assert_eq "mode of the socket" 666 "$(stat -c %a "$SD/run/herd.sock")"
runuser -u "$A" -- cat "$SD/state/lab_key" >/dev/null 2>&1 && fail "$A could read the lab key"
[ "$(stat -c %U /proc/"$HERDD_PID"/fd 2>/dev/null)" = root ] ||
    fail "herdd's /proc entries belong to $(stat -c %U /proc/"$HERDD_PID"/fd): it is dumpable"

# ---- unregistered: refused with the fix, nothing queued ----
out=$(sys_as "$A" submit --wrap true 2>&1) && fail "$A submitted before registering: $out"
grep -q "herd register" <<<"$out" || fail "the refusal does not say to run herd register: $out"
assert_eq "jobs queued after the refusal" 0 "$(CONF=$LAB herd queue --json | jq length)"

# ---- register: the restricted key line, then jobs as each user ----
for u in "${USERS[@]}"; do
	out=$(sys_as "$u" register 2>&1) || fail "$u: herd register failed: $out"
	line=$(grep 'herd-lab:test$' "$SD/home/$u/.ssh/authorized_keys") ||
	    fail "$u's authorized_keys has no herd-lab:test line"
	case $line in
	'from="127.0.0.1",restrict,port-forwarding,permitopen="localhost:*",permitlisten="localhost:1" ssh-ed25519 '*) ;;
	*) fail "$u's key line is not restricted: $line" ;;
	esac
	assert_eq "owner of $u's authorized_keys" "$u" \
	    "$(stat -c %U "$SD/home/$u/.ssh/authorized_keys")"
done
out=$(as "$A" register 2>&1) || fail "a second herd register failed: $out"
assert_eq "herd-lab lines after registering twice" 1 \
    "$(grep -c 'herd-lab:test$' "$SD/home/$A/.ssh/authorized_keys")"

declare -A JOB
for u in "${USERS[@]}"; do
	JOB[$u]=$(sys_as "$u" submit --parsable --wrap "id -u >uid.out; echo x >made.by.job") ||
	    fail "$u could not submit after registering: ${JOB[$u]}"
done
for u in "${USERS[@]}"; do
	CONF=$LAB wait_state "${JOB[$u]}" COMPLETED 40
	assert_eq "uid the job of $u ran as" "$(id -u "$u")" "$(cat "$SD/home/$u/uid.out")"
	assert_eq "owner of the file $u's job wrote" "$u" "$(stat -c %U "$SD/home/$u/made.by.job")"
	assert_eq "owner recorded for $u's job" "$u" "$(CONF=$LAB field "${JOB[$u]}" .user)"
	assert_eq "mode of $u's job directory on the nodes" 700 "$(stat -c %a "$SD/home/$u/.herd")"
done
note "README's \"Set up a lab\", 3 users and 2 nodes: $((SECONDS - lab_t0)) s from nothing to each user's first job done"
out=$(cd "$SD" && "$SD/bin/herd" -s "$SD/run/herd.sock" register 2>&1) && fail "root registered: $out"
grep -q "root may not register" <<<"$out" || fail "root's register refusal: $out"

# A running job: its processes are the user's (ps), and another user's
# cancel is refused naming the owner.
tag="7.$UNIQ"
ja=$(as "$A" submit --parsable --wrap "sleep $tag") || fail "$A: submit: $ja"
CONF=$LAB wait_state "$ja" RUNNING 30
pgrep -u "$A" -f "sleep $tag" >/dev/null || fail "no 'sleep $tag' process of user $A on the nodes"
out=$(as "$B" cancel "$ja" 2>&1) && fail "$B cancelled $A's job: $out"
grep -q "not yours: it belongs to $A" <<<"$out" || fail "$B's refused cancel: $out"
out=$(as "$A" cancel "$ja" 2>&1) || fail "$A could not cancel her own job: $out"
CONF=$LAB wait_state "$ja" CANCELLED 30
pgrep -u "$A" -f "sleep $tag" >/dev/null && sleep 2
pgrep -u "$A" -f "sleep $tag" >/dev/null && fail "$A's cancelled job still runs"

# Events are believed only from the owner's own session: a line that
# ends A's job, written into B's own events file, changes nothing; the
# same line in A's file (the control: the line is well formed) ends it.
tag="8.$UNIQ"
jf=$(as "$A" submit --parsable --wrap "sleep $tag") || fail "$A: submit: $jf"
CONF=$LAB wait_state "$jf" RUNNING 30
f=$(ls "$SD/home/$B/.herd/jobs" | head -n 1)
[ -n "$f" ] || fail "no job files of $B on the nodes"
forged="end ${f%%-*}-$jf.1 0"
runuser -u "$B" -- sh -c "echo '$forged' >>'$SD/home/$B/.herd/events'"
sleep 2
assert_eq "state of $A's job after $B forged its end" RUNNING "$(CONF=$LAB field "$jf" .state)"
runuser -u "$A" -- sh -c "echo '$forged' >>'$SD/home/$A/.herd/events'"
CONF=$LAB wait_state "$jf" COMPLETED 20
pkill -u "$A" -f "sleep $tag"

# ---- the lab key works only from lab_from ----
kcopy=$SD/stolen_key
cp "$SD/state/lab_key" "$kcopy" && chmod 600 "$kcopy"
sshk() {
	ssh -F /dev/null -i "$kcopy" -o UserKnownHostsFile="$TC_DIR/known_hosts" \
	    -o BatchMode=yes -o ConnectTimeout=5 -p "$PORT" "$@"
}
got=$(sshk -b 127.0.0.1 "$A@127.0.0.11" id -un 2>/dev/null) ||
    fail "the lab key does not log in as $A from lab_from"
assert_eq "user the lab key logs in as" "$A" "$got"
sshk -b 127.0.0.5 "$A@127.0.0.11" true 2>/dev/null &&
    fail "the lab key logged in as $A from 127.0.0.5, outside lab_from"
sshk -tt -b 127.0.0.1 "$A@127.0.0.11" tty 2>/dev/null | grep -q '^/dev/' &&
    fail "the lab key got a terminal: the line is not restricted"

# ---- B cannot get into A's jobs over ssh either ----
# B's own key is not in A's authorized_keys, and the lab key is unreadable
# to B: neither logs B in as A on a node.
install -d -o "$B" -m 700 "$SD/home/$B/.ssh"
runuser -u "$B" -- ssh-keygen -q -t ed25519 -N '' -f "$SD/home/$B/.ssh/id_ed25519" ||
    fail "ssh-keygen as $B failed"
bssh() {
	runuser -u "$B" -- ssh -F /dev/null -o UserKnownHostsFile=/dev/null \
	    -o StrictHostKeyChecking=no -o BatchMode=yes -o ConnectTimeout=5 -p "$PORT" "$@"
}
bssh -i "$SD/home/$B/.ssh/id_ed25519" "$A@127.0.0.11" true 2>/dev/null &&
    fail "$B logged in to node1 as $A with his own key"
out=$(bssh -i "$SD/state/lab_key" "$A@127.0.0.11" true 2>&1) &&
    fail "$B logged in to node1 as $A with the lab key"
grep -qi "permission denied\|no such file\|not accessible" <<<"$out" ||
    fail "$B's login with the lab key failed for another reason than the key: $out"

# ---- idle sessions close ----
grep -q "session $A@node[12]: open" "$HERDD_LOG" || fail "no session of $A was opened"
for ((i = 0; i < 150; i++)); do
	pgrep -u "$A" -x sshd >/dev/null || break
	sleep 0.1
done
pgrep -u "$A" -x sshd >/dev/null && fail "$A's sessions still open 15 s after her last job"
grep -q "session $A@node[12]: closed (idle" "$HERDD_LOG" || fail "herdd did not log the idle close"

# ---- a registered user whose key line is gone: the job fails, saying why ----
for ((i = 0; i < 150; i++)); do
	pgrep -u "$C" -x sshd >/dev/null || break
	sleep 0.1
done
runuser -u "$C" -- sed -i '/herd-lab:test$/d' "$SD/home/$C/.ssh/authorized_keys"
jc=$(as "$C" submit --parsable --wrap true) || fail "$C: submit: $jc"
CONF=$LAB wait_state "$jc" FAILED 40
CONF=$LAB field "$jc" .reason | grep -q "cannot log in to node[12] as $C.*herd register" ||
    fail "reason of $C's job without a key line: $(CONF=$LAB field "$jc" .reason)"

# ---- a registered user whose account is locked: the reason lists the causes ----
# useradd's default password field is '!' (locked); an sshd without PAM
# (the test cluster's) refuses such an account whatever its key, which a
# bare "Username/PublicKey combination invalid" would blame on the key.
usermod -L "$C" || fail "usermod -L $C failed"
out=$(as "$C" register 2>&1) || fail "$C: herd register again: $out"
jl=$(as "$C" submit --parsable --wrap true) || fail "$C: submit: $jl"
CONF=$LAB wait_state "$jl" FAILED 40
why=$(CONF=$LAB field "$jl" .reason)
for w in "cannot log in to node[12] as $C" "not in ~$C/.ssh/authorized_keys" "from=" \
    "locked or expired" "usermod -p '\*' $C" "AllowUsers" "herd register"; do
	grep -q -- "$w" <<<"$why" || fail "the reason of $C's job (account locked) lacks \"$w\": $why"
done
usermod -p '*' "$C" || fail "usermod -p '*' $C failed"

# ---- unregister ----
out=$(as "$C" unregister 2>&1) || fail "$C: herd unregister failed: $out"
grep -q 'herd-lab:test$' "$SD/home/$C/.ssh/authorized_keys" &&
    fail "the key line is still in $C's authorized_keys"
out=$(as "$C" submit --wrap true 2>&1) && fail "$C submitted after unregistering: $out"

stop_herdd "$HERDD_PID"

# ---- the lab's herdd is down: users are told to ask its admins ----
out=$(sys_as "$B" queue 2>&1) && fail "$B's herd queue without herdd exited 0: $out"
for w in "the lab's herdd is not running" "ask $A"; do
	grep -qF -- "$w" <<<"$out" || fail "$B, lab's herdd down (mode = lab): no \"$w\" in: $out"
done
grep -q "start it with" <<<"$out" && fail "$B was told to start the lab's herdd: $out"
# No configuration at all, only a socket of another user's.
out=$(as "$B" queue 2>&1) && fail "$B's herd -s queue without herdd exited 0: $out"
for w in "the lab's herdd is not running" "ask your lab's administrator"; do
	grep -qF -- "$w" <<<"$out" || fail "$B, lab's herdd down (-s): no \"$w\" in: $out"
done

# ---- a locked probe account: the node is DOWN, the reason lists the causes ----
usermod -L "$PR" || fail "usermod -L $PR failed"
start_svc
for ((i = 0; i < 100; i++)); do
	why=$(CONF=$LAB herd nodes --json 2>/dev/null | jq -r '.[0].reason // empty')
	grep -q "locked" <<<"$why" && break
	sleep 0.2
done
for w in "authentication as $PR with key $SD/svc/probe_key failed" \
    "not in ~$PR/.ssh/authorized_keys" "from=" "locked or expired" "usermod -p '\*' $PR" \
    "AllowUsers"; do
	grep -q -- "$w" <<<"$why" || fail "the reason node1 is down (probe account locked) lacks \"$w\": $why"
done
stop_herdd "$HERDD_PID"
usermod -p '*' "$PR" || fail "usermod -p '*' $PR failed"

# ---- loose permissions stop herdd, with the fix ----
chmod 750 "$SD/state"
svc_refuses "chmod 700 $SD/state"
chmod 700 "$SD/state"
chmod 640 "$SD/state/lab_key"
svc_refuses "chmod 600 $SD/state/lab_key"

lab_check_san
exit 0
