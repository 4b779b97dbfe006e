#!/bin/bash
# t_doctor: herd doctor passes (exit 0) on the healthy test cluster, with no
# herdd running, and finds each planted fault, each with its fix: an unknown
# host key, a ~/.bashrc that prints, a node without nvidia-smi, a full disk
# (a 2 MiB tmpfs mounted as node1's herd directory inside node1's mount
# namespace, under the node's min_free_disk (the test cluster's 100M; 1M
# passes it, --min-free-disk overrides it)), a herd directory
# that holds another cluster's job files, and a locked account
# (a real local user whose login works until usermod -L).

. "$(dirname "$0")/lib.sh"

PORT=$(sed -n 's/^port = //p' "$TC_DIR/hosts.ini")
make_config "$HOSTS" "$STATE"
# A herd directory of its own: the suite's other tests share these nodes,
# each as a cluster of its own name, and leave job files in the default one
# (doctor is right to call that a shared directory; the plant below does).
sed -i "s|^\[defaults\]$|[defaults]\nherd_dir = .herd-doctor|" "$HOSTS"
grep -q '^herd_dir = .herd-doctor$' "$HOSTS" || fail "no [defaults] in $HOSTS"

# check JSON NODE NAME: "ok detail fix" of check NAME of node NODE.
check() {
	jq -r --arg n "$2" --arg c "$3" \
	    '.nodes[] | select(.name == $n) | .checks[] | select(.name == $c) |
	     "\(.ok) \(.detail) \(.fix)"' "$1"
}

# doctor OUT ARGS...: herd doctor --json ARGS into OUT; its exit status.
doctor() {
	local out=$1
	shift
	herd doctor --json "$@" >"$out" 2>"$out.err"
}

# --- healthy: every check of every node passes; no herdd is running.
doctor "$TEST_DIR/ok.json" || fail "herd doctor on the healthy cluster exited $?: $(
    jq -c '.nodes[].checks[] | select(.ok == false)' "$TEST_DIR/ok.json" 2>&1; cat "$TEST_DIR/ok.json.err")"
assert_eq "doctor's ok" true "$(jq .ok "$TEST_DIR/ok.json")"
assert_eq "nodes checked" 4 "$(jq '.nodes | length' "$TEST_DIR/ok.json")"
assert_eq "node1's GPUs" 8 "$(check "$TEST_DIR/ok.json" node1 gpus | awk '{print $2}')"
case $(check "$TEST_DIR/ok.json" node4 nvidia_smi) in
true*cpu_only*) ;; *) fail "node4 (cpu_only): $(check "$TEST_DIR/ok.json" node4 nvidia_smi)" ;;
esac
herd doctor >"$TEST_DIR/ok.txt" || fail "herd doctor (text) exited $?"
grep -q "every check passed" "$TEST_DIR/ok.txt" || fail "text output: $(cat "$TEST_DIR/ok.txt")"

# --- an unknown host key: node1's line removed from known_hosts.
grep -v '^\[127\.0\.0\.11\]' "$TC_DIR/known_hosts" >"$TEST_DIR/kh"
sed "s|^known_hosts = .*|known_hosts = $TEST_DIR/kh|" "$HOSTS" >"$TEST_DIR/kh.ini"
CONF=$TEST_DIR/kh.ini doctor "$TEST_DIR/kh.json" node1 node2 && fail "unknown host key: exit 0"
r=$(check "$TEST_DIR/kh.json" node1 host_key)
case $r in
"false "*"is not in $TEST_DIR/kh"*"ssh-keyscan -p $PORT 127.0.0.11 >> $TEST_DIR/kh") ;;
*) fail "unknown host key: $r" ;;
esac
assert_eq "node2 with its key" true "$(jq '.nodes[1].ok' "$TEST_DIR/kh.json")"
assert_eq "node1's auth (not tried)" "" "$(check "$TEST_DIR/kh.json" node1 auth)"

# --- a ~/.bashrc that prints (node2).
RC=$TC_DIR/nodes/node2/home/.bashrc
cp -p "$RC" "$TEST_DIR/bashrc.orig" || fail "cannot save $RC"
at_exit 'cp -p "$TEST_DIR/bashrc.orig" "$RC"'
printf 'echo "welcome to node2"\nsleep 1.5\n' >>"$RC"
doctor "$TEST_DIR/rc.json" node2 && fail "printing .bashrc: exit 0"
r=$(check "$TEST_DIR/rc.json" node2 login_output)
case $r in
"false "*"1 line"*"welcome to node2"*"case \$- in"*) ;;
*) fail "printing .bashrc: $r" ;;
esac
# Slow too: measured (1.5 s or more), over the 1 s bound.
r=$(check "$TEST_DIR/rc.json" node2 login_time)
case $r in
"false a login shell takes "[1-9][0-9][0-9][0-9]" ms"*) ;;
*) fail "slow .bashrc: $r" ;;
esac
cp -p "$TEST_DIR/bashrc.orig" "$RC"

# --- no nvidia-smi on node3, which has GPUs.
NV=$TC_DIR/nodes/node3/bin/nvidia-smi
mv "$NV" "$TEST_DIR/nvidia-smi.node3" || fail "cannot move $NV"
at_exit '[ ! -e "$TEST_DIR/nvidia-smi.node3" ] || mv "$TEST_DIR/nvidia-smi.node3" "$NV"'
doctor "$TEST_DIR/nv.json" node3 && fail "no nvidia-smi: exit 0"
r=$(check "$TEST_DIR/nv.json" node3 nvidia_smi)
case $r in
"false "*"not on the PATH"*"cpu_only = yes"*) ;;
*) fail "no nvidia-smi: $r" ;;
esac
mv "$TEST_DIR/nvidia-smi.node3" "$NV"

# --- node3: a clock an hour ahead, and systemd-logind that kills a user's
# processes at logout (a date and a loginctl of its own, first on PATH).
B3=$TC_DIR/nodes/node3/bin
printf '#!/bin/sh\n[ "$1" = +%%s ] && exec expr "$(/bin/date +%%s)" + 3600\nexec /bin/date "$@"\n' >"$B3/date"
printf '#!/bin/sh\ncase "$*" in\n*Linger*) echo no ;;\n*KillUserProcesses*) echo yes ;;\n*KillExcludeUsers*) echo gdm ;;\nesac\n' >"$B3/loginctl"
chmod 755 "$B3/date" "$B3/loginctl"
at_exit 'rm -f "$B3/date" "$B3/loginctl"'
doctor "$TEST_DIR/n3.json" node3 && fail "clock and logind: exit 0"
r=$(check "$TEST_DIR/n3.json" node3 clock)
case $r in
"false node3's clock is 360"[0-9]" s ahead of"*"timedatectl set-ntp true"*) ;;
*) fail "clock an hour ahead: $r" ;;
esac
r=$(check "$TEST_DIR/n3.json" node3 logout)
case $r in
"false "*"KillUserProcesses=yes"*"KillUserProcesses=no (or add root to KillExcludeUsers=)"*"loginctl enable-linger root") ;;
*) fail "logind kills at logout: $r" ;;
esac
rm -f "$B3/date" "$B3/loginctl"

# --- node2's herd directory holds another cluster's job files.
mkdir -p "$TC_DIR/nodes/node2/home/.herd-doctor/jobs"
at_exit 'rm -f "$TC_DIR/nodes/node2/home/.herd-doctor/jobs/otherlab-5.0.script"'
: >"$TC_DIR/nodes/node2/home/.herd-doctor/jobs/otherlab-5.0.script"
doctor "$TEST_DIR/sh.json" node2 && fail "shared herd directory: exit 0"
r=$(check "$TEST_DIR/sh.json" node2 herd_dir)
case $r in
"false .herd-doctor on node2 holds job files of cluster otherlab"*"herd_dir = .herd-test"*) ;;
*) fail "shared herd directory: $r" ;;
esac
rm -f "$TC_DIR/nodes/node2/home/.herd-doctor/jobs/otherlab-5.0.script"

# --- a full disk: node1's herd directory a 2 MiB tmpfs in its namespace.
if command -v nsenter >/dev/null; then
	TINY=$TEST_DIR/tiny
	mkdir -p "$TINY"
	NS=$(cat "$TC_DIR/nodes/node1/pid")
	nsenter -t "$NS" -m mount -t tmpfs -o size=2m herd-doctor-test "$TINY" ||
	    fail "cannot mount a tmpfs in node1's namespace"
	at_exit 'nsenter -t "$NS" -m umount "$TINY"'
	awk -v d="$TINY" '{ print } /^\[node node1\]$/ { print "herd_dir = " d }' \
	    "$HOSTS" >"$TEST_DIR/disk.ini"
	CONF=$TEST_DIR/disk.ini doctor "$TEST_DIR/disk.json" node1 && fail "full disk: exit 0"
	r=$(check "$TEST_DIR/disk.json" node1 disk)
	case $r in
	"false "*" KiB free in $TINY, less than 100 MiB (min_free_disk)"*"free space in $TINY"*) ;;
	*) fail "full disk: $r" ;;
	esac
	# Under a threshold it meets, the same directory passes.
	CONF=$TEST_DIR/disk.ini doctor "$TEST_DIR/disk2.json" --min-free-disk 1M node1 ||
	    fail "full disk under --min-free-disk 1M: $(check "$TEST_DIR/disk2.json" node1 disk)"
	# The node's own min_free_disk is the bar by default (herdd drains by it):
	# 1M there passes the same directory, and --min-free-disk still overrides.
	awk -v d="$TINY" '{ print } /^\[node node1\]$/ { print "herd_dir = " d; print "min_free_disk = 1M" }' \
	    "$HOSTS" >"$TEST_DIR/disk3.ini"
	CONF=$TEST_DIR/disk3.ini doctor "$TEST_DIR/disk3.json" node1 ||
	    fail "full disk under min_free_disk = 1M: $(check "$TEST_DIR/disk3.json" node1 disk)"
	CONF=$TEST_DIR/disk3.ini doctor "$TEST_DIR/disk4.json" --min-free-disk 1G node1 &&
	    fail "--min-free-disk 1G over min_free_disk = 1M: exit 0"
	case $(check "$TEST_DIR/disk4.json" node1 disk) in
	"false "*"less than 1024 MiB (--min-free-disk)"*) ;;
	*) fail "--min-free-disk override: $(check "$TEST_DIR/disk4.json" node1 disk)" ;;
	esac
else
	note "full disk not tried: no nsenter"
fi

# --- a locked account: a real user whose login works, then usermod -L.
LU=hd${UNIQ:0:10}
LH=/tmp/herd-doctor.$UNIQ
mkdir -m 755 "$LH" || fail "cannot make $LH"
at_exit "rm -rf '$LH'"
useradd -M -N -d "$LH" -p '*' -s /bin/sh "$LU" || fail "useradd $LU failed"
at_exit "pkill -KILL -u '$LU' 2>/dev/null; userdel '$LU' 2>/dev/null"
mkdir -m 700 "$LH/.ssh"
cp "$TC_DIR/client_key.pub" "$LH/.ssh/authorized_keys"
chown -R "$LU" "$LH"
# node4: the fake nvidia-smi of the GPU nodes lives in TC_DIR, root's only.
printf '\n[node locked]\nhost = 127.0.0.14\nuser = %s\ncpu_only = yes\n' "$LU" >>"$HOSTS"
doctor "$TEST_DIR/lu.json" locked || fail "user $LU before the lock: $(
    jq -c '.nodes[].checks[] | select(.ok == false)' "$TEST_DIR/lu.json")"
usermod -L "$LU" || fail "usermod -L failed"
doctor "$TEST_DIR/lk.json" locked && fail "locked account: exit 0"
r=$(check "$TEST_DIR/lk.json" locked auth)
case $r in
"false authentication as $LU"*"locked"*"usermod -p"*"ssh-copy-id"*) ;;
*) fail "locked account: $r" ;;
esac

# A name that is no node is a usage error.
herd doctor nosuchnode 2>"$TEST_DIR/usage.err"
assert_eq "exit status for an unknown node" 2 "$?"
grep -q 'no node "nosuchnode"' "$TEST_DIR/usage.err" || fail "usage: $(cat "$TEST_DIR/usage.err")"
