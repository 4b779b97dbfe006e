#!/bin/bash
# t_json_lab: herd register and unregister --json in lab mode, as a real
# user: {"action", "ok", "user", "marker", "where"}; the key line is in
# (then out of) the user's authorized_keys as without --json; an
# unregister refused while a job of the user's has not ended is ok false,
# with herdd's reason on stderr and status 1, and the key line stays.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lablib.sh"

U=hju${UNIQ:0:10}
mkuser "$U"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"

jget() {	# jget FILE EXPR
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2" || fail "not the JSON expected: $(cat "$1")"
}

as "$U" register --json >"$TEST_DIR/out" 2>"$TEST_DIR/err" || fail "herd register --json failed: $(cat "$TEST_DIR/err")"
assert_eq "register --json" "register True $U herd-lab:test local" \
    "$(jget "$TEST_DIR/out" '" ".join(str(d[k]) for k in ("action", "ok", "user", "marker", "where"))')"
grep -q 'herd-lab:test$' "$SD/home/$U/.ssh/authorized_keys" || fail "register --json: no key line"

j=$(as "$U" submit --parsable --hold --wrap true) || fail "$U could not submit: $j"
as "$U" unregister --json >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "unregister --json with a job: status" 1 "$?"
assert_eq "unregister --json refused" "unregister False" \
    "$(jget "$TEST_DIR/out" '"%s %s" % (d["action"], d["ok"])')"
[ -s "$TEST_DIR/err" ] || fail "unregister --json refused with nothing on stderr"
grep -q 'herd-lab:test$' "$SD/home/$U/.ssh/authorized_keys" || fail "a refused unregister took the key line"

as "$U" cancel "$j" >/dev/null || fail "$U could not cancel $j"
as "$U" unregister --json >"$TEST_DIR/out" 2>"$TEST_DIR/err" || fail "herd unregister --json failed: $(cat "$TEST_DIR/err")"
assert_eq "unregister --json" "unregister True $U local" \
    "$(jget "$TEST_DIR/out" '" ".join(str(d[k]) for k in ("action", "ok", "user", "where"))')"
grep -q 'herd-lab:test$' "$SD/home/$U/.ssh/authorized_keys" && fail "unregister --json left the key line"
lab_check_san
