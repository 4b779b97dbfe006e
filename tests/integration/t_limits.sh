#!/bin/bash
# t_limits: account limits (issue 13).  The test runner's user is in two
# accounts; ga may hold one GPU (max_gpus = 1).  With ga's 1-GPU job
# running, ga's next 1-GPU job waits with Slurm's AssocGrpGRES (herd queue's
# REASON and herd show say so) though node1 has GPUs free, while gb's job
# submitted after it starts: the held job blocks nobody.  A ga job asking
# 2 GPUs can never start and is refused naming the limit.  Once ga's
# running job ends, the held one starts.
. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
me=$(id -un)
printf '\n[account ga]\nusers = %s\nmax_gpus = 1\n\n[account gb]\nusers = %s\n' "$me" "$me" \
    >>"$HOSTS"
start_herdd
wait_nodes_up 4 20

tag="83.$UNIQ"
a=$(submit -A ga --gpus 1 --wrap "sleep 7$tag")
wait_state "$a" RUNNING 30
b=$(submit -A ga --gpus 1 --wrap true)
for ((i = 0; i < 200; i++)); do
	[ "$(field "$b" .reason)" = AssocGrpGRES ] && break
	sleep 0.1
done
assert_eq "job $b of ga at max_gpus: [state, reason]" '["PENDING","AssocGrpGRES"]' \
    "$(show_json "$b" | jq -c '[.state, .reason]')"
# Another account's job, behind it in the queue, starts.
c=$(submit -A gb --gpus 1 --wrap "sleep 8$tag")
wait_state "$c" RUNNING 30
assert_eq "job $b while gb's job runs: state" PENDING "$(field "$b" .state)"
herd queue | grep -E "^ *$b .*AssocGrpGRES" >/dev/null ||
    fail "herd queue shows no AssocGrpGRES for job $b: $(herd queue)"
herd show "$b" | grep -q AssocGrpGRES || fail "herd show $b lacks AssocGrpGRES: $(herd show "$b")"

# Never: more GPUs than ga may hold at all.
out=$(herd submit -A ga --gpus 2 --wrap true 2>&1) && fail "a 2-GPU job of ga was accepted: $out"
grep -q "account ga's max_gpus = 1" <<<"$out" || fail "the refusal does not name the limit: $out"
grep -q "AssocGrpGRES" <<<"$out" || fail "the refusal does not give Slurm's name: $out"

# ga's running job ends: the held one starts.
herd cancel "$a" >/dev/null || fail "herd cancel $a failed"
wait_state "$b" COMPLETED 30
herd cancel "$c" >/dev/null || fail "herd cancel $c failed"
