# lablib.sh: lab mode's set-up for the tests that need it (t_lab,
# t_lab_migrate, t_authz); sourced after lib.sh.
#
# A lab here: a directory $SD that every user may traverse (TC_DIR is
# private to root), with the binaries, users' homes (shared by every node,
# as NFS homes are), the socket directory and the service account's state;
# a service account $SVC that runs herdd (through setpriv, so that the pid
# start_herdd records is herdd's) and logs in to the nodes with its own
# probe key; users made with mkuser.  The test cluster's sshd has UsePAM
# off, so users get a usable password field ('*': none, not locked).
# Sanitizer reports of herdd and herd go to $SD/san (the service account and
# the users cannot write the test's own files); lab_check_san fails on any.

for t in useradd userdel runuser setpriv ssh pgrep; do
	command -v $t >/dev/null || { note "skipped: no $t"; exit 0; }
done

SD=/tmp/herdlab.$UNIQ
mkdir -m 755 "$SD" "$SD/bin" "$SD/home" "$SD/run" "$SD/san" || fail "cannot make $SD"
chmod 1777 "$SD/san"
at_exit "rm -rf '$SD'"
install -m 755 "$HERD_BIN/herd" "$SD/bin/herd"
install -m 755 "$HERD_BIN/herdd" "$SD/bin/herdd.real"
PORT=$(sed -n 's/^port = //p' "$TC_DIR/hosts.ini")
LAB=$SD/hosts.ini

# mkuser NAME: a user whose home is $SD/home/NAME; removed at exit.
mkuser() {
	useradd -M -N -d "$SD/home/$1" -p '*' -s /bin/sh "$1" || fail "useradd $1 failed"
	at_exit "pkill -KILL -u '$1' 2>/dev/null; userdel '$1' 2>/dev/null"
	mkdir -m 755 "$SD/home/$1" && chown "$1" "$SD/home/$1"
}

# as USER ARGS...: herd as USER from their home, on the lab's socket.
as() {
	local u=$1
	shift
	(cd "$SD/home/$u" && runuser -u "$u" -- env HOME="$SD/home/$u" \
	    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
	    UBSAN_OPTIONS=print_stacktrace=1:log_path="$SD/san/herd" \
	    "$SD/bin/herd" -s "$SD/run/herd.sock" "$@")
}

# The service account: its probe key, authorized on the nodes; its state
# directory (0700) and the socket's directory.
SVC=hs${UNIQ:0:10}
mkuser "$SVC"
mkdir -m 700 "$SD/svc" "$SD/home/$SVC/.ssh" "$SD/state"
ssh-keygen -q -t ed25519 -N '' -f "$SD/svc/probe_key" || fail "ssh-keygen failed"
# As README's step 3: the probe key only from the controller, restricted.
echo "from=\"127.0.0.1\",restrict $(cat "$SD/svc/probe_key.pub")" \
    >"$SD/home/$SVC/.ssh/authorized_keys"
cp "$TC_DIR/known_hosts" "$SD/svc/known_hosts"
chown -R "$SVC" "$SD/svc" "$SD/home/$SVC" "$SD/state" "$SD/run"

# lab_config [LINE...]: $LAB in lab mode, two nodes, the lines given added
# to [controller].
lab_config() {
	{
		printf '[controller]\ncluster = test\nmode = lab\nstate_dir = %s\n' "$SD/state"
		printf 'socket = %s\nlab_from = 127.0.0.1\nprobe_interval = 5\nkill_grace = 2\n' \
		    "$SD/run/herd.sock"
		for l in "$@"; do printf '%s\n' "$l"; done
		printf '\n[defaults]\nport = %s\nuser = %s\nidentity = %s\nknown_hosts = %s\n' \
		    "$PORT" "$SVC" "$SD/svc/probe_key" "$SD/svc/known_hosts"
		printf '\n[node node1]\nhost = 127.0.0.11\n\n[node node2]\nhost = 127.0.0.12\n'
	} >"$LAB"
	chmod 644 "$LAB"
}

# herdd as the service account (setpriv execs: its pid is herdd's).
cat >"$SD/bin/herdd" <<EOF
#!/bin/sh
export ASAN_OPTIONS=detect_leaks=1:log_path=$SD/san/herdd UBSAN_OPTIONS=print_stacktrace=1:log_path=$SD/san/herdd
exec setpriv --reuid=$SVC --regid=$(id -g "$SVC") --init-groups $SD/bin/herdd.real "\$@"
EOF
chmod 755 "$SD/bin/herdd"

# start_svc: herdd on $LAB as the service account; sets HERDD_PID.
start_svc() {
	local save=$HERD_BIN
	HERD_BIN=$SD/bin
	start_herdd "$LAB"
	HERD_BIN=$save
}

# lab_with_users USER...: the users made, the lab configured and started,
# its nodes up, and each user registered.
lab_with_users() {
	local u out
	for u in "$@"; do mkuser "$u"; done
	lab_config
	start_svc
	wait_nodes_up 2 30 "$LAB"
	for u in "$@"; do
		out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
	done
}

# svc_refuses TEXT: herdd as the service account exits at start, saying TEXT.
svc_refuses() {
	local i
	start_svc
	for ((i = 0; i < 50; i++)); do alive "$HERDD_PID" || break; sleep 0.1; done
	alive "$HERDD_PID" && fail "herdd started; expected it to refuse with: $1"
	grep -qF -- "$1" "$HERDD_LOG" || fail "herdd's refusal does not say: $1"
}

lab_check_san() {
	if ls "$SD/san" | grep -q .; then
		cat "$SD"/san/* >&2
		fail "sanitizer reports (above)"
	fi
}
