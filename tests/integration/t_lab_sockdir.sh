#!/bin/bash
# t_lab_sockdir: nobody poses as the lab's herdd (issue 12, C).  User M
# who may write the socket's directory (or one above it) could move
# herd.sock aside, listen there herself and answer user A's `herd
# register` with her own key line, which would log in as A.
#   1. herdd refuses a socket directory others may write, or one below a
#      directory others may write, naming it and the fix.
#   2. A's herd refuses a listener that is not the socket's owner, and one
#      in a directory others may write (each answering with M's key in a
#      line of the right form): nothing reaches A's authorized_keys.
#   3. A's herd refuses a key line not of the exact form (command=, here
#      from M's own socket in M's own directory).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hka${UNIQ:0:10} M=hkm${UNIQ:0:10}
mkuser "$A"
mkuser "$M"
install -m 755 "$REPO/tests/torture/hclient.py" "$SD/bin/hclient.py"
# Directories: one everyone may write, one below it, one of M's.
mkdir -m 777 "$SD/open" "$SD/wide"
mkdir -m 755 "$SD/wide/run" "$SD/mine"
chown "$SVC" "$SD/wide/run"
chown "$M" "$SD/mine"

# --- 1. herdd's start ------------------------------------------------------
# lab_config with the socket at $1.
sock_config() {
	lab_config
	sed -i "s|^socket = .*|socket = $1|" "$LAB"
}
sock_config "$SD/open/herd.sock"
svc_refuses "the socket's directory $SD/open is writable by other users"
grep -qF "chmod go-w $SD/open" "$HERDD_LOG" || fail "herdd's refusal gives no fix: $(tail -1 "$HERDD_LOG")"
sock_config "$SD/wide/run/herd.sock"
svc_refuses "$SD/wide above the socket's directory"
sock_config "$SD/mine/herd.sock"
svc_refuses "the socket's directory $SD/mine belongs to $M"

# --- 2, 3. the client --------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$SD/mkey" || fail "ssh-keygen failed"
mkey=$(cut -d' ' -f1,2 "$SD/mkey.pub")
good="from=\"127.0.0.1\",restrict $mkey herd-lab:test"
evil="from=\"127.0.0.1\",command=\"/bin/sh\" $mkey herd-lab:test"

# A listener as M at $1 answering every request as lab mode's herdd would,
# with key line $2.
install -m 755 "$REPO/tests/integration/fakeherdd.py" "$SD/bin/fakeherdd.py"
# fake DIR LINE: the listener as M on DIR/herd.sock; sets FAKE.
fake() {
	rm -f "$1/herd.sock" "$SD/fake.out"
	runuser -u "$M" -- python3 "$SD/bin/fakeherdd.py" "$1/herd.sock" "$2" >"$SD/fake.out" 2>&1 &
	FAKE=$!
	at_exit "kill $FAKE 2>/dev/null"
	for ((i = 0; i < 50; i++)); do
		grep -q listening "$SD/fake.out" && return 0
		sleep 0.1
	done
	fail "the fake herdd did not start: $(cat "$SD/fake.out")"
}
# register_refused SOCK TEXT: A's herd register on SOCK fails saying TEXT,
# and A's authorized_keys holds no key of M's.
register_refused() {
	local out
	out=$(cd "$SD/home/$A" && runuser -u "$A" -- env HOME="$SD/home/$A" \
	    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
	    "$SD/bin/herd" -s "$1" register 2>&1) && fail "herd register on $1 succeeded: $out"
	grep -qF -- "$2" <<<"$out" || fail "herd register on $1 did not say \"$2\": $out"
	if grep -qF "${mkey#* }" "$SD/home/$A/.ssh/authorized_keys" 2>/dev/null; then
		fail "M's key is in A's authorized_keys: $(cat "$SD/home/$A/.ssh/authorized_keys")"
	fi
}

# 2a. M listens in a directory everyone may write (the attack of the issue).
fake "$SD/open" "$good"
register_refused "$SD/open/herd.sock" "the socket's directory $SD/open is writable by other users"
kill "$FAKE"
# 2b. A socket that is not the listener's: M's listener, the file then
# given to the service account (as if M had kept a listener on a name
# herdd's socket took later).
fake "$SD/mine" "$good"
chown "$SVC" "$SD/mine/herd.sock"
register_refused "$SD/mine/herd.sock" "belongs to $SVC, but $M listens on it"
kill "$FAKE"
# 3. M's own herdd, in her own directory (A chose to talk to it), with a
# line that would give M a shell as A.
fake "$SD/mine" "$evil"
register_refused "$SD/mine/herd.sock" "herdd's key line is not of the form"
kill "$FAKE"

# The control: the lab's herdd in its proper directory, and register works.
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
out=$(as "$A" register 2>&1) || fail "$A: herd register on the lab's herdd failed: $out"
stop_herdd "$HERDD_PID"
lab_check_san
exit 0
