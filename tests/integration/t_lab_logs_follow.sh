#!/bin/bash
# t_lab_logs_follow: herd logs -f in lab mode, through the owner's session.
#  1. User A follows her own job from before its start to its end: the
#     file's bytes exactly (a \r progress, no newline at the end), and the
#     job's exit status (3); her output file is 0600, which herdd's own
#     account cannot read: the reads are A's, on the node.
#  2. User B following A's job is refused, naming A, and gets no bytes.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hfa${UNIQ:0:10} B=hfb${UNIQ:0:10}
for u in "$A" "$B"; do mkuser "$u"; done
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done
HA=$SD/home/$A

prog="chmod 600 out.\$SLURM_JOB_ID; printf 'a\\n'; sleep 1; printf '\\r50%%'; sleep 1; printf '\\r100%%'; exit 3"
j=$(as "$A" submit --parsable --hold -o out.%j --wrap "$prog") || fail "$A: submit: $j"
as "$A" logs -f "$j" >"$TEST_DIR/got" 2>"$TEST_DIR/err" &
fpid=$!
for ((i = 0; i < 100; i++)); do grep -q waiting "$TEST_DIR/err" && break; sleep 0.1; done
grep -q "job $j has not started; waiting for it" "$TEST_DIR/err" ||
    fail "$A's herd logs -f of a pending job: $(cat "$TEST_DIR/err")"

# B is refused while the job waits, and again while it runs.
msg=$(as "$B" logs -f "$j" 2>&1) && fail "$B followed $A's job: $msg"
grep -q "job $j is not yours: it belongs to $A" <<<"$msg" || fail "$B's refusal: $msg"
as "$A" release "$j" >/dev/null || fail "$A: release failed"
CONF=$LAB wait_state "$j" RUNNING 30
msg=$(as "$B" logs -f "$j" 2>&1) && fail "$B followed $A's running job: $msg"
grep -q "job $j is not yours: it belongs to $A" <<<"$msg" || fail "$B's refusal: $msg"
[ -z "${msg//*not yours*/}" ] || fail "$B got more than a refusal: $msg"

for ((i = 0; i < 300; i++)); do alive "$fpid" || break; sleep 0.1; done
alive "$fpid" && { kill "$fpid"; fail "$A's herd logs -f did not end with the job"; }
wait "$fpid"
rc=$?
assert_eq "$A's herd logs -f exit status (stderr: $(cat "$TEST_DIR/err"))" 3 "$rc"
runuser -u "$SVC" -- cat "$HA/out.$j" >/dev/null 2>&1 && fail "the service account can read out.$j"
assert_file_is "$TEST_DIR/got" "$(printf 'a\n\r50%%\r100%%')"
cmp -s "$TEST_DIR/got" "$HA/out.$j" || fail "$A's herd logs -f: not the bytes of out.$j"
lab_check_san
