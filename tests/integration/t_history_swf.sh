#!/bin/bash
# t_history_swf: herd's own history replays in herd sim (issue 13).  A few
# jobs run on the test cluster in two partitions (one cancelled before it
# starts, one without GPUs); `herd history --swf` writes them as a Standard
# Workload Format trace: oldest submit first, one line per job with the
# job's id, GPUs as processors (fields 5 and 8), its time limit (field 9),
# its uid (field 12), its account and partition as numbers the header
# names, run -1 for the job that never started; the header's MaxProcs is
# the cluster's GPUs.  `herd sim --policy multifactor -c hosts.ini` replays
# it with no --pool, keeping the GPU jobs that ran and counting the rest as
# dropped.  --swf with --json is refused.

. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
cat >>"$HOSTS" <<'INI'

[partition gpu]
nodes = node1, node2
default = yes

[partition cpu]
nodes = node3, node4
INI
start_herdd
wait_nodes_up 4 20

a=$(submit -G 2 --time 1:00 --wrap "sleep 1")
b=$(submit -G 1 --time 2:00 --wrap "sleep 1")
c=$(submit -p cpu --wrap "sleep 1")
d=$(submit -G 1 --begin now+1hour --wrap true)
herd cancel "$d" >/dev/null || fail "herd cancel $d failed"
wait_jobs 60 "$a" "$b" "$c" || fail "jobs $a $b $c did not end"
wait_state "$d" CANCELLED 10

out=$(herd history --swf --json 2>&1) && fail "--swf --json was accepted: $out"
grep -qF "not both" <<<"$out" || fail "--swf --json: $out"

herd history --swf >"$WORK/h.swf" || fail "herd history --swf failed"
jobs=$(grep -v '^;' "$WORK/h.swf")
assert_eq "ids, oldest submit first" "$a $b $c $d" "$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' <<<"$jobs")"
# Every line: 18 fields; the uid; group 1 (the one account); submit from 0.
awk -v u="$(id -u)" 'NF != 18 || $12 != u || $13 != 1 { exit 1 }' <<<"$jobs" ||
    fail "a line lacks 18 fields, uid $(id -u) or group 1: $jobs"
assert_eq "first submit" 0 "$(awk 'NR == 1 { print $2 }' <<<"$jobs")"
line() { grep "^$1 " <<<"$jobs"; }
assert_eq "job $a: GPUs (5, 8), limit (9), status (11), partition (16)" "2 2 60 1 1" \
    "$(line "$a" | awk '{ print $5, $8, $9, $11, $16 }')"
awk -v d="$d" '$1 != d && $4 < 1 { exit 1 }' <<<"$jobs" || fail "a job ran less than its 1 s: $jobs"
assert_eq "job $c: no GPUs, no limit, partition cpu" "0 0 -1 2" \
    "$(line "$c" | awk '{ print $5, $8, $9, $16 }')"
assert_eq "job $d: never started (wait, run), cancelled" "-1 -1 5" \
    "$(line "$d" | awk '{ print $3, $4, $11 }')"
gpus=$(herd nodes --json | jq '[.[].gpus | length] | add')
grep -qx "; MaxProcs: $gpus" "$WORK/h.swf" || fail "no '; MaxProcs: $gpus' header: $(grep '^;' "$WORK/h.swf")"
grep -qx "; Partition: 1 gpu" "$WORK/h.swf" && grep -qx "; Partition: 2 cpu" "$WORK/h.swf" ||
    fail "the header does not name the partitions: $(grep '^;' "$WORK/h.swf")"

# The replay: the GPU jobs that ran ($a, $b); $c (no GPUs) and $d (never ran) dropped.
sim=$("$HERD_BIN/herd" sim --policy multifactor -c "$HOSTS" --json "$WORK/h.swf" 2>&1) ||
    fail "herd sim on the history failed: $sim"
assert_eq "jobs replayed" 2 "$(jq .jobs <<<"$sim")"
txt=$("$HERD_BIN/herd" sim --policy multifactor -c "$HOSTS" "$WORK/h.swf") || fail "herd sim: $txt"
grep -q "pool of $gpus processors" <<<"$txt" || fail "herd sim's machine is not the cluster's $gpus GPUs: $txt"
grep -q "dropped: 1 with run <= 0, 1 without processors" <<<"$txt" || fail "herd sim's drops: $txt"
