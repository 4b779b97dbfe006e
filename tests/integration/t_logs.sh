#!/bin/bash
# t_logs: herd logs, the end of a job's output read on its node.
#  1. Lab mode, real users A, B and an admin M: A's ended job wrote bytes
#     with NULs, a 100 KB line and no newline at the end; `herd logs` gives
#     the last 65536 bytes of its file exactly, --tail 10 the last 10,
#     --tail 1048576 all of it, --err its error file.  A running job's
#     output so far.  A pending job: "has not started"; --err of a job
#     without one: refused.
#  2. B is refused naming A; M may, and the audit log has M's read_output.
#  3. The read runs as the owner on the node: an output file A made 0600
#     (which herdd's own account could not read) is read for A; a file of
#     root's, mode 0600, put where A's output was gives "Permission
#     denied" and none of root's bytes, to A and to the admin alike.
#  4. Personal mode: the same read through the node's shell, before and
#     after a restart of herdd (the job then comes from the database).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hga${UNIQ:0:10} B=hgb${UNIQ:0:10} M=hgm${UNIQ:0:10}
for u in "$A" "$B" "$M"; do mkuser "$u"; done
lab_config "admins = $M"
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B" "$M"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done
HA=$SD/home/$A

# The job's bytes: NULs, a line of 100000 bytes, no newline at the end.
prog="printf 'head\\0mid\\n'; head -c 100000 /dev/zero | tr '\\0' x; printf '\\nnul\\0end-$UNIQ'; printf 'err-$UNIQ\\n' >&2"
j=$(as "$A" submit --parsable -o out.%j -e err.%j --wrap "$prog") || fail "$A: submit: $j"
CONF=$LAB wait_state "$j" COMPLETED 40
out=$HA/out.$j
[ "$(wc -c <"$out")" -gt 100000 ] || fail "the job's output $out is short: $(wc -c <"$out") bytes"

as "$A" logs "$j" >"$TEST_DIR/got" || fail "$A: herd logs $j failed"
cmp -s "$TEST_DIR/got" <(tail -c 65536 "$out") ||
    fail "herd logs $j: not the last 65536 bytes of $out ($(wc -c <"$TEST_DIR/got") bytes)"
as "$A" logs --tail 1048576 "$j" >"$TEST_DIR/got" || fail "$A: herd logs --tail 1048576 failed"
cmp -s "$TEST_DIR/got" "$out" || fail "herd logs --tail 1048576 $j: not the whole of $out"
as "$A" logs --tail 10 "$j" >"$TEST_DIR/got" || fail "$A: herd logs --tail 10 failed"
cmp -s "$TEST_DIR/got" <(printf 'nul\0end-%s' "$UNIQ" | tail -c 10) ||
    fail "herd logs --tail 10: got $(od -An -c "$TEST_DIR/got")"
got=$(as "$A" logs --err "$j") || fail "$A: herd logs --err failed"
assert_eq "herd logs --err" "err-$UNIQ" "$got"
out2=$(as "$A" logs --tail 0 "$j" 2>&1) && fail "--tail 0 was taken: $out2"

# A job without an error file of its own; a pending one; a running one.
jn=$(as "$A" submit --parsable --wrap "echo plain-$UNIQ") || fail "$A: submit: $jn"
CONF=$LAB wait_state "$jn" COMPLETED 40
msg=$(as "$A" logs --err "$jn" 2>&1) && fail "--err of a job without an error file: $msg"
grep -q "has no separate error file" <<<"$msg" || fail "--err refusal: $msg"
jp=$(as "$A" submit --parsable --begin now+1hour --wrap true) || fail "$A: submit: $jp"
msg=$(as "$A" logs "$jp" 2>&1) && fail "herd logs of a pending job: $msg"
grep -q "job $jp has not started: no output yet" <<<"$msg" || fail "pending job's refusal: $msg"
tag="9.$UNIQ"
jr=$(as "$A" submit --parsable -o run.out --wrap "echo running-$UNIQ; sleep $tag") ||
    fail "$A: submit: $jr"
CONF=$LAB wait_state "$jr" RUNNING 30
wait_file "$HA/run.out" 10
assert_eq "herd logs of a running job" "running-$UNIQ" "$(as "$A" logs "$jr")"
as "$A" cancel "$jr" "$jp" >/dev/null

# ---- who may ----
msg=$(as "$B" logs "$j" 2>&1) && fail "$B read $A's output: $msg"
grep -q "job $j is not yours: it belongs to $A" <<<"$msg" || fail "$B's refusal: $msg"
as "$M" logs --tail 1048576 "$j" >"$TEST_DIR/got" || fail "admin $M: herd logs failed"
cmp -s "$TEST_DIR/got" "$out" || fail "admin $M's herd logs: not the file's bytes"
n=$(CONF=$LAB herd audit --json | jq --arg m "$M" --arg a "$A" --argjson j "$j" \
    '[.[] | select(.action == "read_output" and .actor == $m and .owner == $a and .job_id == $j)] | length')
assert_eq "audit records of $M reading job $j" 1 "$n"
n=$(CONF=$LAB herd audit --json | jq --arg a "$A" '[.[] | select(.actor == $a)] | length')
assert_eq "audit records of the owner's own reads" 0 "$n"

# ---- the read is the owner's, on the node ----
chmod 600 "$out"
runuser -u "$SVC" -- cat "$out" >/dev/null 2>&1 && fail "the service account can read $out"
as "$A" logs --tail 1048576 "$j" >"$TEST_DIR/got" || fail "$A could not read her own 0600 output"
cmp -s "$TEST_DIR/got" "$out" || fail "herd logs of a 0600 file: not its bytes"
rm -f "$HA/herd-$jn.out"
printf 'root-secret-%s\n' "$UNIQ" >"$HA/herd-$jn.out"
chown root "$HA/herd-$jn.out" && chmod 600 "$HA/herd-$jn.out"
for u in "$A" "$M"; do
	msg=$(as "$u" logs "$jn" 2>&1) && fail "$u read root's file as $A's output: $msg"
	grep -q "root-secret" <<<"$msg" && fail "root's bytes reached $u: $msg"
	grep -q "cannot read job $jn's output file $HA/herd-$jn.out on node[12]: Permission denied" \
	    <<<"$msg" || fail "$u: the refusal does not say Permission denied: $msg"
done
msg=$(as "$A" logs 999999 2>&1) && fail "herd logs of no job: $msg"
grep -q "no job 999999" <<<"$msg" || fail "herd logs of no job: $msg"
stop_herdd "$HERDD_PID"
lab_check_san

# ---- personal mode: the node's shell, from memory and from the database ----
setup_herdd
jq_=$(submit --wrap "printf 'p\\0q-$UNIQ'")
wait_jobs 30 "$jq_" >/dev/null || fail "job $jq_ did not end"
herd logs "$jq_" >"$TEST_DIR/got" || fail "personal mode: herd logs failed"
cmp -s "$TEST_DIR/got" <(printf 'p\0q-%s' "$UNIQ") ||
    fail "personal mode: got $(od -An -c "$TEST_DIR/got")"
stop_herdd "$HERDD_PID"
start_herdd
wait_nodes_up 4 20
herd logs "$jq_" >"$TEST_DIR/got" || fail "personal mode after a restart: herd logs failed"
cmp -s "$TEST_DIR/got" <(printf 'p\0q-%s' "$UNIQ") ||
    fail "personal mode after a restart: got $(od -An -c "$TEST_DIR/got")"
exit 0
