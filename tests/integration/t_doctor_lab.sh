#!/bin/bash
# t_doctor_lab: in lab mode herd doctor, run as the service account while
# herdd is down, checks each registered user's login on each node with the
# lab key: all pass, then a user whose account is locked (usermod -L) is
# named, with the fix.  Run as another account (root) it says to run it as
# the service account instead of logging in with the wrong HOME.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lablib.sh"

A=hda${UNIQ:0:10} B=hdb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
lab_config
# One node without GPUs: the fake nvidia-smi lives in TC_DIR, root's only.
sed -i '/^\[node node1\]/,$d' "$LAB"
printf '[node node4]\nhost = 127.0.0.14\ncpu_only = yes\n' >>"$LAB"

start_svc
wait_nodes_up 1 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done
stop_herdd "$HERDD_PID"

# svc_doctor OUT: herd doctor --json as the service account; its status.
svc_doctor() {
	(cd "$SD/home/$SVC" && runuser -u "$SVC" -- env HOME="$SD/home/$SVC" \
	    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
	    UBSAN_OPTIONS=print_stacktrace=1:log_path="$SD/san/herd" \
	    "$SD/bin/herd" -c "$LAB" doctor --json) >"$1" 2>"$1.err"
}
logins() {
	jq -r '.nodes[0].checks[] | select(.name == "user_logins") | "\(.ok) \(.detail) \(.fix)"' "$1"
}

svc_doctor "$TEST_DIR/ok.json" || fail "doctor as $SVC exited $?: $(
    jq -c '.. | objects | select(.ok == false)' "$TEST_DIR/ok.json"; cat "$TEST_DIR/ok.json.err")"
assert_eq "registered users" "true 2 registered users" \
    "$(jq -r '.config.checks[] | select(.name == "lab_users") | "\(.ok) \(.detail)"' "$TEST_DIR/ok.json")"
case $(logins "$TEST_DIR/ok.json") in
"true 2 registered users log in"*) ;;
*) fail "user logins: $(logins "$TEST_DIR/ok.json")" ;;
esac

usermod -L "$B" || fail "usermod -L $B failed"
svc_doctor "$TEST_DIR/lk.json" && fail "doctor with $B locked: exit 0"
r=$(logins "$TEST_DIR/lk.json")
case $r in
"false 1 of 2 registered users cannot log in to node4 with the lab key: $B each of them runs herd register"*"locked"*) ;;
*) fail "locked $B: $r" ;;
esac

# As root: refused, with the command to use.
herd -c "$LAB" doctor --json >"$TEST_DIR/root.json" && fail "doctor as root in lab mode: exit 0"
r=$(jq -r '.config.checks[] | select(.name == "lab_users") | "\(.ok) \(.fix)"' "$TEST_DIR/root.json")
assert_eq "lab_users as root" "false sudo -u $SVC herd -c $LAB doctor" "$r"
lab_check_san
