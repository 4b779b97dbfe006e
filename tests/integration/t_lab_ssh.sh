#!/bin/bash
# t_lab_ssh: herd ssh and herd run in lab mode.
#  1. User A's herd ssh into her running job runs as A (id -un), with the
#     job's HERD_JOB_ID and working directory.
#  2. User B's herd ssh into A's job is refused, naming A, and runs nothing.
#  3. A's herd run: CMD runs as A; its status comes back; the job is A's.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hsa${UNIQ:0:10} B=hsb${UNIQ:0:10}
lab_with_users "$A" "$B"
HA=$SD/home/$A

j=$(as "$A" submit --parsable --wrap "sleep 300 # $UNIQ") || fail "$A: submit: $j"
CONF=$LAB wait_state "$j" RUNNING 30
out=$(as "$A" ssh "$j" -- sh -c 'echo "$(id -un) $HERD_JOB_ID $(pwd)"' </dev/null 2>"$TEST_DIR/err")
rc=$?
assert_eq "$A's herd ssh into job $j (stderr: $(cat "$TEST_DIR/err"))" 0 "$rc"
assert_eq "$A's herd ssh into job $j" "$A $j $HA" "$out"

msg=$(as "$B" ssh "$j" -- sh -c "touch $SD/home/$B/ran" </dev/null 2>&1)
rc=$?
assert_eq "$B's herd ssh into $A's job" 255 "$rc"
grep -q "job $j is not yours: it belongs to $A" <<<"$msg" || fail "$B's refusal: $msg"
[ -e "$SD/home/$B/ran" ] && fail "$B's command ran in $A's job"

out=$(as "$A" run -- sh -c 'id -un; exit 6' </dev/null 2>"$TEST_DIR/err")
rc=$?
assert_eq "$A's herd run (stderr: $(cat "$TEST_DIR/err"))" 6 "$rc"
assert_eq "$A's herd run's CMD ran as" "$A" "$out"
as "$A" cancel "$j" >/dev/null
lab_check_san
