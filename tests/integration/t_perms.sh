#!/bin/bash
# t_perms: the state directory is private and herdd keeps it so, and one
# user cannot act on another's job.
#  1. A state directory herdd creates is 0700; the database, its -wal and
#     -shm files and the --daemon log are 0600.  herdd refuses to start, with
#     the chmod/chown that fixes it, on a state directory or database that
#     group or others can read, or that belongs to another user.
#  2. A real second, unprivileged user (useradd; removed at exit; skipped
#     with a note where useradd or runuser is missing) talks to the same
#     herdd: its `herd cancel` of root's job is refused with the owner named
#     and the job runs on; root's cancel works; its own job can be cancelled
#     by itself and by root.

. "$(dirname "$0")/lib.sh"

mode() { stat -c %a "$1"; }

# expect_refusal WHAT TEXT: herdd on $HOSTS must exit 1 at once, saying TEXT.
expect_refusal() {
	local out rc=0
	out=$(timeout 10 "$HERD_BIN/herdd" -c "$HOSTS" 2>&1 </dev/null) || rc=$?
	[ "$rc" = 1 ] || fail "herdd with $1: expected a refusal (exit 1), got exit $rc: $out"
	grep -qF -- "$2" <<<"$out" || fail "herdd with $1: the refusal does not say '$2': $out"
}

# ---- 1. modes, and the start-up check ----

# A state directory (and its parent) that herdd makes itself.
fresh=$TEST_DIR/fresh/state
make_config "$TEST_DIR/fresh.ini" "$TEST_DIR/tmp-unused"
sed -i -e "s|^state_dir = .*|state_dir = $fresh|" -e "s|^socket = .*|socket = $fresh/herd.sock|" \
    "$TEST_DIR/fresh.ini"
start_herdd "$TEST_DIR/fresh.ini"
wait_nodes_up 4 20 "$TEST_DIR/fresh.ini"
assert_eq "mode of the state directory herdd created" 700 "$(mode "$fresh")"
assert_eq "mode of the parent herdd created" 700 "$(mode "$TEST_DIR/fresh")"
stop_herdd "$HERDD_PID"

setup_herdd
id=$(submit --wrap true)
wait_jobs 30 "$id" || fail "job $id did not complete"
for f in herd.db herd.db-wal herd.db-shm; do
	[ -e "$STATE/$f" ] || fail "$STATE/$f does not exist while herdd runs"
	assert_eq "mode of $f" 600 "$(mode "$STATE/$f")"
done
stop_herdd "$HERDD_PID"

# --daemon: the log it creates is private too.
"$HERD_BIN/herdd" -c "$HOSTS" --daemon </dev/null 2>>"$HERDD_LOG" || fail "herdd --daemon failed"
dpid=$(cat "$STATE/herdd.lock")
_herdd_pids+=("$dpid")
echo "$dpid" >>"$TEST_DIR/herdd.pids"
assert_eq "mode of the daemon's log" 600 "$(mode "$STATE/herdd.log")"
kill "$dpid"
for i in $(seq 100); do alive "$dpid" || break; sleep 0.1; done
alive "$dpid" && fail "herdd --daemon (pid $dpid) did not stop on TERM"

chmod 755 "$STATE"
expect_refusal "a 0755 state directory" "chmod 700 $STATE"
chmod 710 "$STATE"
expect_refusal "a 0710 state directory" "chmod 700 $STATE"
chmod 700 "$STATE"
chmod 644 "$STATE/herd.db"
expect_refusal "a 0644 herd.db" "chmod 600 $STATE/herd.db"
chmod 600 "$STATE/herd.db"
for f in herd.db-wal herd.db-shm herdd.log; do
	[ -e "$STATE/$f" ] || continue
	chmod 640 "$STATE/$f"
	expect_refusal "a 0640 $f" "chmod 600 $STATE/$f"
	chmod 600 "$STATE/$f"
done
chown nobody "$STATE"
expect_refusal "a state directory owned by nobody" "belongs to nobody"
chown root "$STATE"
chown nobody "$STATE/herd.db"
expect_refusal "a herd.db owned by nobody" "chown root $STATE/herd.db"
chown root "$STATE/herd.db"
# Put right, it starts, and the job is still there.
start_herdd
wait_nodes_up 4 20
assert_eq "state of job $id after the refusals" COMPLETED "$(field "$id" .state)"
stop_herdd "$HERDD_PID"

# ---- 2. a second user ----

if ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
	note "second-user checks skipped: no useradd or runuser on this machine"
	exit 0
fi
U=herdt$UNIQ
U=${U:0:30}
useradd -M -N -s /bin/sh "$U" || fail "useradd $U failed"
at_exit "userdel '$U' 2>/dev/null"
# herdd's socket is private to the user running herdd (0600, in a 0700
# state directory).  So that the test user can connect at all, this test
# puts the socket in a directory others may traverse and opens the socket
# to them; SO_PEERCRED still tells herdd who each caller is, and that is
# what the ownership rule is checked against.
SD=/tmp/herdperm.$UNIQ
mkdir -m 711 "$SD" || fail "cannot make $SD"
at_exit "rm -rf '$SD'"
install -m 755 "$HERD_BIN/herd" "$SD/herd"
sed -i "s|^socket = .*|socket = $SD/herd.sock|" "$HOSTS"
start_herdd
wait_nodes_up 4 20
chmod 666 "$SD/herd.sock"

# as_user CMD...: herd as the test user, from a directory it may enter;
# sanitizer reports on its stderr (it cannot write the test's log files).
as_user() {
	(cd "$SD" && runuser -u "$U" -- env ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=print_stacktrace=1 "$SD/herd" -s "$SD/herd.sock" "$@")
}

runuser -u "$U" -- cat "$STATE/herd.db" >/dev/null 2>&1 &&
    fail "user $U could read $STATE/herd.db"

tag1="71.$UNIQ"
rj=$(submit --wrap "sleep $tag1")
wait_state "$rj" RUNNING 20
out=$(as_user cancel "$rj" 2>&1) && fail "user $U cancelled root's job $rj: $out"
grep -q "not yours" <<<"$out" || fail "$U's cancel of root's job: expected 'not yours', got: $out"
grep -qw "root" <<<"$out" || fail "$U's cancel of root's job does not name the owner (root): $out"
sleep 0.5
assert_eq "state of root's job $rj after $U's cancel" RUNNING "$(field "$rj" .state)"
pgrep -f -- "sleep $tag1" >/dev/null || fail "root's job $rj stopped after $U's refused cancel"
herd cancel "$rj" || fail "root could not cancel its own job $rj"
wait_state "$rj" CANCELLED 20
# An ended job: refused as not theirs, still naming the owner.
out=$(as_user cancel "$rj" 2>&1) && fail "user $U's cancel of ended job $rj exited 0"
grep -q "not yours.*root" <<<"$out" || fail "$U's cancel of root's ended job: got: $out"

tag2="72.$UNIQ"
oj=$(as_user submit --parsable -D "$SD" --wrap "sleep $tag2" 2>&1) ||
    fail "user $U could not submit: $oj"
case $oj in ''|*[!0-9]*) fail "$U's submit printed '$oj', not a job id" ;; esac
assert_eq "owner of $U's job $oj" "$U" "$(field "$oj" .user)"
wait_state "$oj" RUNNING 20
out=$(as_user cancel "$oj" 2>&1) || fail "user $U could not cancel its own job $oj: $out"
wait_state "$oj" CANCELLED 20

tag3="73.$UNIQ"
oj2=$(as_user submit --parsable -D "$SD" --wrap "sleep $tag3" 2>&1) ||
    fail "user $U could not submit: $oj2"
wait_state "$oj2" RUNNING 20
herd cancel "$oj2" || fail "root could not cancel $U's job $oj2"
wait_state "$oj2" CANCELLED 20
wait_gone "sleep 7[123].$UNIQ" 15 || fail "cancelled jobs still running: $(pgrep -fa "sleep 7[123].$UNIQ")"
