#!/bin/bash
# t_service_policy: what a lab keeps for batch work (issue 16), on the test
# cluster's real nodes.  A partition with services = no refuses a service
# at submit (named with -p, in a -p list, and as the default partition
# without -p), naming the partition, and still takes a batch job.  An
# account with max_service_gpus = 1 runs one 1-GPU service and keeps a
# second PENDING AccountServiceGPULimit while a 1-GPU batch job of the same
# account starts and ends; the second starts once the first is stopped.
# herd queue (its table, --format kind, --json) and herd history show each
# job's KIND: service or batch.
. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
me=$(id -un)
cat >>"$HOSTS" <<INI

[partition batch]
nodes = node3, node4
default = yes
services = no

[partition serve]
nodes = node1, node2

[account lab]
users = $me
max_service_gpus = 1
INI
start_herdd
wait_nodes_up 4 20
tag="16$UNIQ"

# --- services = no: refused at submit, with -p and as the default.
out=$(herd service start nb -p batch -- sleep "30.$tag" 2>&1) &&
    fail "a service was queued in partition batch (services = no): $out"
grep -q "partition batch takes no services" <<<"$out" ||
    fail "the refusal does not name partition batch: $out"
out=$(herd service start nb -- sleep "30.$tag" 2>&1) &&
    fail "a service was queued in the default partition (services = no): $out"
grep -q "default partition batch takes no services" <<<"$out" ||
    fail "the refusal does not name the default partition: $out"
out=$(herd service start nb -p serve,batch -- sleep "30.$tag" 2>&1) &&
    fail "a service was queued with batch among its partitions: $out"
assert_eq "services after the refusals" "" "$(herd service ls --json | jq -r '.[].name')"
# A batch job still goes there.
b=$(submit -p batch --wrap "exit 0")
wait_jobs 60 "$b" || fail "batch job $b did not end"
assert_eq "batch job in partition batch" COMPLETED "$(field "$b" .state)"

# --- max_service_gpus = 1 on account lab.
svc_id() { sed -n "s/^Submitted service $1 as job \([0-9]*\)\$/\1/p"; }
out=$(herd service start s1 -p serve -A lab -G 1 -- sleep "300.$tag") ||
    fail "herd service start s1 failed: $out"
s1=$(svc_id s1 <<<"$out")
wait_state "$s1" RUNNING 30
out=$(herd service start s2 -p serve -A lab -G 1 -- sleep "301.$tag") ||
    fail "herd service start s2 failed: $out"
s2=$(svc_id s2 <<<"$out")
# A batch job of the same account and size starts and ends meanwhile.
j=$(submit -p serve -A lab -G 1 --wrap "sleep 1")
wait_jobs 60 "$j" || fail "batch job $j of account lab did not end"
assert_eq "lab's batch job beside its service" COMPLETED "$(field "$j" .state)"
assert_eq "s2 while s1 holds lab's service GPU" "PENDING AccountServiceGPULimit" \
    "$(field "$s2" '"\(.state) \(.reason)"')"
assert_eq "herd service ls: s2" "PENDING AccountServiceGPULimit" \
    "$(herd service ls --json | jq -r '.[] | select(.name == "s2") | "\(.state) \(.reason)"')"
out=$(herd service start big -p serve -A lab -G 2 -- sleep "302.$tag" 2>&1) &&
    fail "a 2-GPU service was queued under max_service_gpus = 1: $out"
grep -q "max_service_gpus = 1" <<<"$out" || fail "the refusal does not name the limit: $out"
# --- herd queue, herd history: KIND tells services from batch jobs.
hold=$(submit -p serve -A lab --begin now+1hour --wrap true)
q=$(herd queue)
grep -qE "^$s1 +serve +s1 .* RUNNING +service " <<<"$q" || fail "herd queue: s1 not a service: $q"
grep -qE "^$hold +serve .* PENDING +batch " <<<"$q" || fail "herd queue: $hold not batch: $q"
head -1 <<<"$q" | grep -q " STATE *KIND " || fail "herd queue: no KIND header: $q"
assert_eq "herd queue --format id,kind" "$s1 service|$s2 service|$hold batch" \
    "$(herd queue -h --format id,kind | awk '{ print $1, $2 }' | sort -n | paste -sd'|')"
assert_eq "herd queue --json kind" "$s1 service|$s2 service|$hold batch" \
    "$(herd queue --json | jq -r '.[] | "\(.id) \(.kind)"' | sort -n | paste -sd'|')"
herd cancel "$hold" >/dev/null || fail "herd cancel $hold failed"
assert_eq "herd history --json kind of batch job $j" batch \
    "$(herd history --all --json | jq -r --argjson id "$j" '.[] | select(.id == $id) | .kind')"
herd history --all | grep -qE "^$j .* batch " || fail "herd history: $j not batch: $(herd history --all)"
herd service stop s1 >/dev/null || fail "herd service stop s1 failed"
wait_state "$s2" RUNNING 30
herd service stop s2 >/dev/null || fail "herd service stop s2 failed"
wait_jobs 30 "$s1" "$s2"
herd history --all | grep -qE "^$s1 .* service " ||
    fail "herd history: $s1 not a service: $(herd history --all)"
assert_idle
