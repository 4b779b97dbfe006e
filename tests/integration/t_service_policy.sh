#!/bin/bash
# t_service_policy: what a lab keeps for batch work (issue 16), on the test
# cluster's real nodes.  A partition with services = no refuses a service
# at submit (named with -p, and as the default partition without -p),
# naming the partition, and still takes a batch job; a partition that
# takes services runs one.
. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
me=$(id -un)
cat >>"$HOSTS" <<INI

[partition batch]
nodes = node1, node2
default = yes
services = no

[partition serve]
nodes = node3, node4
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
# A partition that takes services runs one.
out=$(herd service start ok -p serve -- sleep "300.$tag") ||
    fail "herd service start ok -p serve failed: $out"
sid=$(sed -n 's/^Submitted service ok as job \([0-9]*\)$/\1/p' <<<"$out")
wait_state "$sid" RUNNING 30
herd service stop ok >/dev/null || fail "herd service stop ok failed"
assert_idle
