#!/bin/bash
# t_diskfull: the state directory on a small tmpfs that is then filled.
# Jobs that end meanwhile are kept in memory as they ended (herd show and
# herd wait tell the truth), herdd logs that it cannot write and herd queue
# and herd nodes say so, and once
# space comes back their ends are written: a restart finds them recorded.

. "$(dirname "$0")/lib.sh"

mount -t tmpfs -o size=16m,mode=0700 herd-test "$STATE" || fail "cannot mount a tmpfs on $STATE"
at_exit "umount -l '$STATE'"
setup_herdd

a=$(submit --wrap "sleep 3; exit 3")
b=$(submit --wrap "sleep 3; echo fine")
wait_state "$a" RUNNING 20
wait_state "$b" RUNNING 20
dd if=/dev/zero of="$STATE/fill" bs=64k 2>/dev/null
[ "$(df --output=avail "$STATE" | tail -1)" -lt 64 ] || fail "the tmpfs did not fill up"
herd submit --wrap true >/dev/null 2>"$TEST_DIR/full.err" &&
    fail "a submit on a full disk was acknowledged"
note "submit on a full disk: $(cat "$TEST_DIR/full.err")"

wait_jobs 30 "$a" "$b" 2>/dev/null
assert_eq "job $a on a full disk, after herd wait" "FAILED 3" "$(field "$a" '"\(.state) \(.exit_code)"')"
assert_eq "job $b on a full disk, after herd wait" "COMPLETED 0" "$(field "$b" '"\(.state) \(.exit_code)"')"
grep -q "cannot write the database" "$HERDD_LOG" || fail "herdd did not log that it cannot write"
for cmd in queue nodes; do
	herd $cmd >/dev/null 2>"$TEST_DIR/$cmd.err" || fail "herd $cmd failed on a full disk"
	grep -q "warning: herdd cannot write its database" "$TEST_DIR/$cmd.err" ||
	    fail "herd $cmd did not say that herdd cannot write: $(cat "$TEST_DIR/$cmd.err")"
done

rm -f "$STATE/fill"
for i in $(seq 1 50); do
	grep -q "the database takes writes again" "$HERDD_LOG" && break
	sleep 0.2
done
grep -q "the database takes writes again" "$HERDD_LOG" ||
    fail "herdd did not write again within 10 s of space coming back"
stop_herdd "$HERDD_PID" KILL
# What the database holds now, before a restart could learn it from the nodes.
assert_eq "stored state and exit of $a and $b (3 COMPLETED, 4 FAILED)" "4 3
3 0" "$(sqlite3 "$STATE/herd.db" "SELECT state, exit_code FROM jobs WHERE id IN ($a, $b) ORDER BY id" | tr '|' ' ')"
start_herdd
wait_nodes_up 4 20
assert_eq "job $a after a restart" "FAILED 3" "$(field "$a" '"\(.state) \(.exit_code)"')"
assert_eq "job $b after a restart" "COMPLETED 0" "$(field "$b" '"\(.state) \(.exit_code)"')"
assert_idle
