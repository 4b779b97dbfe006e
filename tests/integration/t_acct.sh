#!/bin/bash
# t_acct: accounting and listing formats (issue 15).  Three jobs end on the
# test cluster: alpha (1 GPU, partition gpu, account bio) completes, beta
# (partition cpu, account chem) exits 3, gamma is cancelled before it
# starts; then nine more jobs named filler end after them.  herd history
# (and herd acct) filter in herdd: -n counts the jobs that match, so
# `-n 1 --name alpha` finds alpha behind the nine newer ones; -A, -p/-r,
# --state (Slurm's names and short forms), -N, --name, -u, and -S/-E (a
# window that holds the jobs, one after them, one before them) each keep
# the right ids; the default listing shows ELAPSED, GPUH, EXIT (3:0),
# ATTEMPT; --format prints the named columns; bad values are refused
# naming what is valid, herdd's bounds on a filter too.  herd queue --format id,name,state,reason and
# squeue's -o "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R" (its header byte
# for byte), -h -o %i as scripts parse it, --format "%i %j" as squeue's;
# an unknown letter or column is refused, --format with --json too.
. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
me=$(id -un)
cat >>"$HOSTS" <<INI

[partition gpu]
nodes = node1, node2
default = yes

[partition cpu]
nodes = node3, node4

[account bio]
users = $me

[account chem]
users = $me
INI
start_herdd
wait_nodes_up 4 20

a=$(submit -G 1 --job-name alpha --wrap "sleep 1")
wait_jobs 60 "$a" || fail "job $a did not end"
b=$(submit -p cpu -A chem --job-name beta --wrap "exit 3")
c=$(submit --job-name gamma --begin now+1hour --wrap true)
herd cancel "$c" >/dev/null || fail "herd cancel $c failed"
wait_jobs 60 "$b"
wait_state "$c" CANCELLED 10
fillers=()
for i in 1 2 3 4 5 6 7 8 9; do
	fillers+=("$(submit -p cpu --job-name filler --wrap true)")
done
wait_jobs 60 "${fillers[@]}" || fail "the fillers did not end"

# ids IN HISTORY-ARGS...: the job ids herd history prints, sorted, space-separated.
ids() {
	local out
	out=$(herd history "$@" --format id) || fail "herd history $* failed: $out"
	tail -n +2 <<<"$out" | awk '{ print $1 }' | sort -n | tr '\n' ' ' | sed 's/ $//'
}
assert_eq "-n 1 --name alpha (behind 9 newer jobs)" "$a" "$(ids -n 1 --name alpha)"
assert_eq "herd acct --name beta" "$b" \
    "$(herd acct --name beta --format id | tail -n +2 | awk '{ print $1 }')"
assert_eq "-A chem" "$b" "$(ids -A chem)"
assert_eq "-A bio --name alpha,gamma" "$a $c" "$(ids -A bio --name alpha,gamma)"
assert_eq "-p gpu" "$a $c" "$(ids -p gpu)"
assert_eq "-r gpu" "$a $c" "$(ids -r gpu)"
assert_eq "--state F" "$b" "$(ids --state F)"
assert_eq "-s cancelled,failed" "$b $c" "$(ids -s cancelled,failed)"
assert_eq "--state CD --name alpha" "$a" "$(ids --state CD --name alpha)"
node=$(herd history --json --name alpha | jq -r '.[0].node')
assert_eq "-N $node --name alpha" "$a" "$(ids -N "$node" --name alpha)"
assert_eq "-N nosuchnode" "" "$(ids -N nosuchnode)"
assert_eq "-u $me --name beta" "$b" "$(ids -u "$me" --name beta)"
assert_eq "-u $(id -u) --name beta" "$b" "$(ids -u "$(id -u)" --name beta)"
assert_eq "-u nosuchuser" "" "$(ids -u nosuchuser)"
assert_eq "-S now-1hour -E now, not filler" "$a $b $c" "$(ids -S now-1hour -E now --state CD,F,CA --name alpha,beta,gamma)"
assert_eq "-S now+1hour" "" "$(ids -S now+1hour)"
assert_eq "-E now-1hour" "" "$(ids -E now-1hour)"
assert_eq "-S 2000-01-01 --name beta" "$b" "$(ids -S 2000-01-01 --name beta)"

# The default columns: ELAPSED, GPUH, EXIT, ATTEMPT.
hist=$(herd history -a) || fail "herd history -a failed"
assert_eq "header" "JOBID NAME USER STATE EXIT ELAPSED GPUH ATTEMPT KIND NODE END REASON" \
    "$(head -1 <<<"$hist" | tr -s ' ')"
assert_eq "beta: EXIT ELAPSED-shape GPUH ATTEMPT" "3:0 ok 0.00 1" \
    "$(awk -v id="$b" '$1 == id { print $5, ($6 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ ? "ok" : $6), $7, $8 }' <<<"$hist")"
awk -v id="$a" '$1 == id && $7 ~ /^[0-9]+\.[0-9][0-9]$/ { f = 1 } END { exit !f }' <<<"$hist" ||
    fail "alpha has no GPU-hours: $hist"
assert_eq "--format id,state,exitcode,attempt,gpus,account,partition (beta)" \
    "$b FAILED 3:0 1 0 chem cpu" \
    "$(herd history --name beta -o id,state,exitcode,attempt,gpus,account,partition | tail -1 | tr -s ' ')"

# Refusals name what is valid.
out=$(herd history -S tomorrow 2>&1) && fail "-S tomorrow was accepted: $out"
grep -q 'invalid -S "tomorrow"' <<<"$out" || fail "-S tomorrow: $out"
out=$(herd history -s RUNNINGX 2>&1) && fail "-s RUNNINGX was accepted: $out"
grep -q "COMPLETED/CD" <<<"$out" || fail "-s RUNNINGX does not name the states: $out"
out=$(herd history --format id,bogus 2>&1) && fail "--format bogus was accepted: $out"
grep -q 'unknown column "bogus" (columns: id, partition, name' <<<"$out" || fail "--format bogus: $out"
out=$(herd history --format id --json 2>&1) && fail "--format --json was accepted: $out"
out=$(herd history -S now -E now-1hour 2>&1) && fail "-S after -E was accepted: $out"
# herdd bounds each filter: 65 users, or a 300-byte name, are refused there.
out=$(herd history -u "$(seq -s, 1 65)" 2>&1) && fail "65 users were accepted: $out"
grep -q "user: more than 64 values" <<<"$out" || fail "65 users: $out"
out=$(herd history --name "$(printf 'x%.0s' $(seq 300))" 2>&1) && fail "a 300-byte name was accepted: $out"
grep -q "name: empty, too long" <<<"$out" || fail "a 300-byte name: $out"

# herd queue: a pending job in named columns and in squeue's format.
w=$(submit --job-name waiter --begin now+1hour --wrap true)
assert_eq "queue --format id,name,state,reason" "JOBID NAME STATE REASON|$w waiter PENDING BeginTime" \
    "$(herd queue --format id,name,state,reason | tr -s ' ' | paste -sd'|')"
q=$(herd queue -o "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R") || fail "herd queue -o failed"
assert_eq "squeue's header" "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)" \
    "$(head -1 <<<"$q")"
assert_eq "squeue's row" "$w gpu waiter PD 00:00:00 1 (BeginTime)" \
    "$(tail -1 <<<"$q" | awk '{ print $1, $2, $3, $5, $6, $7, $8 }')"
assert_eq "squeue's row: id right-justified in 18" "$(printf '%18s' "$w")" "$(tail -1 <<<"$q" | cut -c1-18)"
assert_eq "queue -h -o %i" "$w" "$(herd queue -h -o %i)"
assert_eq "queue --format '%i|%j'" "JOBID|NAME $w|waiter" "$(herd queue --format '%i|%j' | paste -sd' ')"
out=$(herd queue -o "%i %z" 2>&1); rc=$?
assert_eq "queue -o %z exit" 2 "$rc"
grep -q "unknown field %z (fields: %i %P %j" <<<"$out" || fail "-o %z: $out"
out=$(herd queue --format id,jobname 2>&1) && fail "--format jobname was accepted: $out"
grep -q 'unknown column "jobname"' <<<"$out" || fail "--format jobname: $out"
out=$(herd queue --format id --json 2>&1) && fail "queue --format --json was accepted: $out"
grep -q "not with --json" <<<"$out" || fail "queue --format --json: $out"
herd cancel "$w" >/dev/null
echo ok
