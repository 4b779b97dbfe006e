#!/bin/bash
# t_lab_ssh_config: herd ssh-config in lab mode, where the allocation's
# sshd runs unprivileged as the job's owner.
#  1. User A's herd ssh-config of her running job, then the real ssh client
#     as A: lands as A, in the job (HERD_JOB_ID), in its directory.
#  2. User B's herd ssh-config of A's job is refused, naming A, and so is
#     B's herd ssh-proxy (the ProxyCommand itself): no sshd of A's for B.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hca${UNIQ:0:10} B=hcb${UNIQ:0:10}
lab_with_users "$A" "$B"
HA=$SD/home/$A

j=$(as "$A" submit --parsable --wrap "sleep 300 # $UNIQ") || fail "$A: submit: $j"
CONF=$LAB wait_state "$j" RUNNING 30
as "$A" ssh-config "$j" >"$TEST_DIR/cfg" 2>"$TEST_DIR/err" ||
    fail "$A's herd ssh-config $j: $(cat "$TEST_DIR/err")"
install -m 644 "$TEST_DIR/cfg" "$HA/cfg"
out=$(cd "$HA" && runuser -u "$A" -- env HOME="$HA" ssh -F "$HA/cfg" -o BatchMode=yes "herd-$j" \
    'echo "$(id -un) $HERD_JOB_ID $(pwd)"' </dev/null 2>"$TEST_DIR/err")
rc=$?
assert_eq "$A's ssh herd-$j (stderr: $(cat "$TEST_DIR/err"))" 0 "$rc"
assert_eq "$A's ssh herd-$j" "$A $j $HA" "$out"

msg=$(as "$B" ssh-config "$j" 2>&1)
rc=$?
assert_eq "$B's herd ssh-config of $A's job" 1 "$rc"
grep -q "job $j is not yours: it belongs to $A" <<<"$msg" || fail "$B's ssh-config refusal: $msg"
msg=$(as "$B" ssh-proxy "$j" </dev/null 2>&1)
rc=$?
assert_eq "$B's herd ssh-proxy into $A's job" 255 "$rc"
grep -q "job $j is not yours: it belongs to $A" <<<"$msg" || fail "$B's ssh-proxy refusal: $msg"
as "$A" cancel "$j" >/dev/null
lab_check_san
