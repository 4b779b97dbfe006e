#!/bin/bash
# t_bridge: remote clients.  A user on another machine runs `herd` with
# controller = HOST (config) or $HERD_CONTROLLER; the client talks to herdd
# through the user's own `ssh HOST herd --stdio-bridge`, so herdd sees the
# user ssh logged in as (SO_PEERCRED of the bridge) and nobody else.
#
# The "controller machine" is node1's sshd (127.0.0.11): the bridge runs
# there as the user, in node1's mount namespace, and connects to herdd's lab
# socket by path (everything but root's home and /usr/local/bin is shared).
# Two real users (useradd; removed at exit), each with an ssh key of their
# own, authorized_keys and an ~/.ssh/config naming the host "ctl":
#  0. each user registers through the bridge (lab mode runs jobs as their
#     submitters: nobody may submit before registering).
#  1. carol holds a job; alice, through the bridge (controller in her config
#     file), may list it but her cancel is refused naming carol, and it stays
#     held; her `queue --me` does not list it.
#  2. alice submits through the bridge: the job is hers (owner alice); bob,
#     through the bridge ($HERD_CONTROLLER), is refused cancelling it, naming
#     alice; his own job is his; his `queue --me` lists only his; alice
#     cancels hers.
#  3. Failures say what failed: an unreachable controller ("cannot reach
#     herdd on HOST through ssh"), herd missing there, herdd not running
#     there (the bridge's own "herdd is not running", passed back by ssh),
#     a controller that is an ssh option.  No ssh is left behind.

. "$(dirname "$0")/lib.sh"

if ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
	note "skipped: no useradd or runuser on this machine"
	exit 0
fi

# Users' homes, herd and the socket: a directory every user may traverse
# (TC_DIR is private to root).
SD=/tmp/herdbr.$UNIQ
mkdir -m 711 "$SD" "$SD/home" || fail "cannot make $SD"
at_exit "rm -rf '$SD'"
install -m 755 "$HERD_BIN/herd" "$SD/herd"
SOCK=$SD/herd.sock

# ---- herdd in lab mode, its socket open to every user ----

make_config "$HOSTS" "$STATE" "socket=$SOCK"
sed -i '/^\[controller\]/a mode = lab\nlab_from = 127.0.0.1' "$HOSTS"
start_herdd
wait_nodes_up 4 20
[ -S "$SOCK" ] || fail "herdd made no socket at $SOCK"

# The nodes' sshd port, as the cluster's hosts.ini says (HERD_TC_PORT or
# the default).
PORT=$(sed -n 's/^port = //p' "$TC_DIR/hosts.ini")

# make_user NAME: a user with a key, authorized_keys and ~/.ssh/config whose
# host "ctl" is node1 and "nowhere" a closed port.
make_user() {
	local u=$1 h=$SD/home/$1
	useradd -M -N -d "$h" -s /bin/sh -p '*' "$u" || fail "useradd $u failed"
	at_exit "userdel '$u' 2>/dev/null"
	mkdir -p "$h/.ssh"
	ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$h/.ssh/id_ed25519"
	cp "$h/.ssh/id_ed25519.pub" "$h/.ssh/authorized_keys"
	cp "$TC_DIR/known_hosts" "$h/.ssh/known_hosts"
	cat >"$h/.ssh/config" <<EOF
Host ctl
	HostName 127.0.0.11
	Port $PORT
Host nowhere
	HostName 127.0.0.1
	Port 1
Host *
	IdentityFile ~/.ssh/id_ed25519
	UserKnownHostsFile ~/.ssh/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	ConnectTimeout 5
EOF
	printf '[controller]\ncontroller = ctl\n' >"$h/herd.ini"
	chmod 700 "$h" "$h/.ssh"
	chmod 600 "$h/.ssh/"*
	chown -R "$u" "$h"
}

# as USER [VAR=VALUE...] -- HERD-ARGS...: herd as USER on "their machine",
# with a clean login environment.  The remote herd is this build's, told
# where the test's socket is (a real controller uses /run/herd/herd.sock).
as() {
	local u=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	(cd "$SD/home/$u" && runuser -u "$u" -- env -i HOME="$SD/home/$u" USER="$u" \
	    LOGNAME="$u" PATH=/usr/bin:/bin ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=print_stacktrace=1 HERD_REMOTE_HERD="$SD/herd -s $SOCK" \
	    "${envs[@]}" "$SD/herd" "$@")
}

# herd register through the bridge: the lab's key line in the user's
# authorized_keys (homes here are shared with the nodes).
register_user() {
	local out
	out=$(as "$1" HERD_CONTROLLER=ctl -- register 2>&1) ||
	    fail "$1: herd register through the bridge failed: $out"
	grep -q 'herd-lab:test$' "$SD/home/$1/.ssh/authorized_keys" ||
	    fail "$1: herd register wrote no key line"
}

A=hbra$UNIQ
B=hbrb$UNIQ
C=hbrc$UNIQ
A=${A:0:30} B=${B:0:30} C=${C:0:30}
make_user "$A"
make_user "$B"
make_user "$C"
out=$(as "$A" HERD_CONTROLLER=ctl -- submit --hold -D "$SD/home/$A" --wrap true 2>&1) &&
    fail "$A submitted before registering: $out"
grep -q "herd register" <<<"$out" || fail "the unregistered refusal does not name herd register: $out"
register_user "$A"
register_user "$B"
# carol's way: --each-node, the line written on every node through her own
# ssh (the homes are shared here, so it is one file, edited once per node).
out=$(as "$C" HERD_CONTROLLER=ctl -- register --each-node 2>&1) ||
    fail "$C: herd register --each-node failed: $out"
assert_eq "nodes $C's key line was written on" 4 "$(grep -c 'key added' <<<"$out")"
assert_eq "herd-lab lines in $C's authorized_keys" 1 \
    "$(grep -c 'herd-lab:test$' "$SD/home/$C/.ssh/authorized_keys")"
grep -q '^from="[^"]*",restrict,port-forwarding,permitopen="localhost:\*",permitlisten="localhost:1" ssh-ed25519 [^ ]* herd-lab:test$' \
    "$SD/home/$C/.ssh/authorized_keys" ||
    fail "$C's --each-node line is not the lab key's forwarding line: $(cat "$SD/home/$C/.ssh/authorized_keys")"
grep -q "^ssh-ed25519 .* $C\$" "$SD/home/$C/.ssh/authorized_keys" ||
    fail "$C's own key left her authorized_keys"

# ---- 1. carol's job, seen and refused through the bridge ----

rj=$(as "$C" HERD_CONTROLLER=ctl -- submit --parsable --hold -D "$SD/home/$C" \
    --wrap "sleep 81.$UNIQ" 2>&1) || fail "$C could not submit: $rj"
assert_eq "owner of $C's job $rj" "$C" "$(field "$rj" .user)"

out=$(as "$A" -- -c "$SD/home/$A/herd.ini" queue 2>&1) ||
    fail "$A's herd queue through the bridge failed: $out"
grep -qw "$rj" <<<"$out" || fail "$A's queue through the bridge does not list $C's job $rj: $out"
out=$(as "$A" -- -c "$SD/home/$A/herd.ini" queue --me --json 2>&1) ||
    fail "$A's herd queue --me through the bridge failed: $out"
assert_eq "jobs in $A's queue --me" 0 "$(jq length <<<"$out")"

out=$(as "$A" -- -c "$SD/home/$A/herd.ini" cancel "$rj" 2>&1) &&
    fail "$A cancelled $C's job $rj through the bridge: $out"
grep -q "not yours.*$C" <<<"$out" ||
    fail "$A's cancel of $C's job through the bridge: expected 'not yours ... $C', got: $out"
assert_eq "state of $C's job $rj after $A's cancel" PENDING "$(field "$rj" .state)"
assert_eq "reason of $C's job $rj after $A's cancel" JobHeldUser "$(field "$rj" .reason)"

# ---- 2. each user through the bridge is itself ----

aj=$(as "$A" -- -c "$SD/home/$A/herd.ini" submit --parsable --hold -D "$SD/home/$A" \
    --wrap "sleep 82.$UNIQ" 2>&1) || fail "$A could not submit through the bridge: $aj"
case $aj in ''|*[!0-9]*) fail "$A's submit printed '$aj', not a job id" ;; esac
assert_eq "owner of $A's job $aj (submitted through the bridge)" "$A" "$(field "$aj" .user)"

bj=$(as "$B" HERD_CONTROLLER=ctl -- submit --parsable --hold -D "$SD/home/$B" \
    --wrap "sleep 83.$UNIQ" 2>&1) || fail "$B could not submit through the bridge: $bj"
case $bj in ''|*[!0-9]*) fail "$B's submit printed '$bj', not a job id" ;; esac
assert_eq "owner of $B's job $bj (submitted through the bridge)" "$B" "$(field "$bj" .user)"

out=$(as "$B" HERD_CONTROLLER=ctl -- cancel "$aj" 2>&1) &&
    fail "$B cancelled $A's job $aj through the bridge: $out"
grep -q "not yours.*$A" <<<"$out" ||
    fail "$B's cancel of $A's job: expected 'not yours ... $A', got: $out"
assert_eq "state of $A's job $aj after $B's cancel" PENDING "$(field "$aj" .state)"

out=$(as "$B" HERD_CONTROLLER=ctl -- queue --me --json 2>&1) ||
    fail "$B's queue --me through the bridge failed: $out"
assert_eq "$B's queue --me through the bridge" "$bj $B" \
    "$(jq -r '[.[] | "\(.id) \(.user)"] | join(",")' <<<"$out")"

out=$(as "$A" -- -c "$SD/home/$A/herd.ini" cancel "$aj" 2>&1) ||
    fail "$A could not cancel her own job $aj through the bridge: $out"
wait_state "$aj" CANCELLED 20
out=$(as "$B" HERD_CONTROLLER=ctl -- cancel "$bj" 2>&1) ||
    fail "$B could not cancel his own job $bj through the bridge: $out"
wait_state "$bj" CANCELLED 20
assert_eq "state of $C's job $rj at the end" PENDING "$(field "$rj" .state)"
herd cancel "$rj" || fail "root could not cancel $C's job $rj"

# ---- 3. what a failure says ----

# expect_fail WHAT TEXT USER [VAR=VALUE...] -- ARGS...
expect_fail() {
	local what=$1 text=$2 out rc=0
	shift 2
	out=$(as "$@" 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "$what: expected a failure, got exit 0: $out"
	grep -qF -- "$text" <<<"$out" || fail "$what: the error does not say '$text': $out"
}

expect_fail "an unreachable controller" "cannot reach herdd on nowhere through ssh" \
    "$A" HERD_CONTROLLER=nowhere -- queue
expect_fail "an unreachable controller" "Connection refused" \
    "$A" HERD_CONTROLLER=nowhere -- queue
expect_fail "herd missing on the controller" "no herd command there" \
    "$A" HERD_CONTROLLER=ctl HERD_REMOTE_HERD="$SD/no-such-herd" -- queue
expect_fail "herdd not running on the controller" "herdd is not running" \
    "$A" HERD_CONTROLLER=ctl HERD_REMOTE_HERD="$SD/herd -s $SD/none.sock" -- queue
expect_fail "herdd not running on the controller" "cannot reach herdd on ctl through ssh" \
    "$A" HERD_CONTROLLER=ctl HERD_REMOTE_HERD="$SD/herd -s $SD/none.sock" -- queue
expect_fail "a controller that is an ssh option" "invalid controller" \
    "$A" HERD_CONTROLLER=-oProxyCommand=true -- queue
expect_fail "a remote command with shell syntax" "invalid \$HERD_REMOTE_HERD" \
    "$A" HERD_CONTROLLER=ctl "HERD_REMOTE_HERD=herd;id" -- queue

# The bridge itself, with no herdd behind it.
rc=0
out=$("$HERD_BIN/herd" -s "$TEST_DIR/none.sock" --stdio-bridge </dev/null 2>&1) || rc=$?
assert_eq "exit status of herd --stdio-bridge without herdd" 1 "$rc"
grep -qF "herdd is not running" <<<"$out" ||
    fail "herd --stdio-bridge without herdd does not say so: $out"
rc=0
out=$("$HERD_BIN/herd" --stdio-bridge queue 2>&1) || rc=$?
assert_eq "exit status of herd --stdio-bridge with a command" 2 "$rc"

# Every ssh was waited for.
for u in "$A" "$B"; do
	left=$(pgrep -u "$u" -x -a ssh) && fail "ssh processes of $u left behind: $left"
done
exit 0
