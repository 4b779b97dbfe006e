#!/bin/bash
# t_60jobs: 60 overlapping jobs with mixed GPU and CPU counts over the four
# nodes.  Every job records, in a marker file in the shared directory, where
# it ran, the GPUs it was given and when; the assertions are on those real
# effects: each job ran exactly once, got as many GPUs as it asked, no two
# jobs on one node held the same GPU (or more CPUs than the node has) at the
# same time, outputs landed in the right files, exit codes reached herd.

. "$(dirname "$0")/lib.sh"

setup_herdd

MARK=$TEST_DIR/marker
: >"$MARK"
cat >"$TEST_DIR/job.sh" <<'EOF'
#!/bin/sh
# job.sh I CODE MARK
s=$(date +%s%N)
sleep 1	# long enough that jobs overlap even when submits are slow (a loaded machine)
e=$(date +%s%N)
cvd=${CUDA_VISIBLE_DEVICES-UNSET}
[ -n "$cvd" ] || cvd=EMPTY
printf '%s %s %s %s %s %s\n' "$HERD_JOB_ID" "$HERD_NODE" "$cvd" "$s" "$e" "$1" >>"$3"
echo "job $1 out"
echo "job $1 err" >&2
exit "$2"
EOF
chmod +x "$TEST_DIR/job.sh"
mkdir -p "$TEST_DIR/wd0" "$TEST_DIR/wd1"

gpus_of() { local g=(0 1 2 4 8 1 0 2 1 4 0 2); echo "${g[$(($1 % 12))]}"; }
cpus_of() { if [ $(($1 % 9)) -eq 4 ]; then echo 2; else echo 1; fi; }
code_of() { if [ $(($1 % 10)) -eq 7 ]; then echo 3; else echo 0; fi; }
wd_of() {
	case $(($1 % 3)) in
	0) echo "$WORK" ;;      # the submitter's cwd, no -D
	*) echo "$TEST_DIR/wd$(($1 % 3 - 1))" ;;
	esac
}

declare -A id_of idx_of
ids=()
for ((i = 0; i < 60; i++)); do
	args=(--gpus "$(gpus_of $i)" --cpus "$(cpus_of $i)")
	[ $((i % 3)) -eq 0 ] || args+=(-D "$(wd_of $i)")
	id=$(submit "${args[@]}" "$TEST_DIR/job.sh" "$i" "$(code_of $i)" "$MARK")
	id_of[$i]=$id
	idx_of[$id]=$i
	ids+=("$id")
done

wait_jobs 120 "${ids[@]}" 2>"$TEST_DIR/wait.err"
rc=$?
[ "$rc" -ne 124 ] || fail "herd wait did not return within 120 s"
[ "$rc" -ne 0 ] || fail "herd wait exited 0 although 6 jobs failed"

# Every job ran exactly once.
n=$(wc -l <"$MARK")
dups=$(cut -d' ' -f1 "$MARK" | sort | uniq -d | tr '\n' ' ')
[ -z "$dups" ] || fail "jobs that ran more than once: $dups"
assert_eq "marker lines (jobs that ran)" 60 "$n"
for id in "${ids[@]}"; do
	grep -q "^$id " "$MARK" || fail "job $id (index ${idx_of[$id]}) never ran"
done

# What herd says about each job, and what the job itself saw.
hist=$(herd history -n 1000 --json) || fail "herd history --json failed"
for ((i = 0; i < 60; i++)); do
	id=${id_of[$i]}
	code=$(code_of $i)
	want_state=COMPLETED
	[ "$code" -eq 0 ] || want_state=FAILED
	h=$(jq -c --argjson id "$id" '.[] | select(.id == $id) | [.state, .exit_code, .node, .gpus, .ngpus, .cpus]' <<<"$hist")
	s=$(show_json "$id" | jq -c '[.state, .exit_code, .node, .gpus, .ngpus, .cpus]')
	[ -n "$h" ] || fail "job $id is not in herd history --json"
	assert_eq "job $id: herd history vs herd show" "$s" "$h"
	assert_eq "job $id (index $i): [state, exit code]" "[\"$want_state\",$code]" \
	    "$(jq -c '.[0:2]' <<<"$s")"
	assert_eq "job $id: ngpus" "$(gpus_of $i)" "$(jq '.[4]' <<<"$s")"
	assert_eq "job $id: cpus" "$(cpus_of $i)" "$(jq '.[5]' <<<"$s")"

	read -r _ node cvd _ _ idx < <(grep "^$id " "$MARK")
	assert_eq "job $id: its argument" "$i" "$idx"
	assert_eq "job $id: node the job ran on (HERD_NODE) vs herd show" \
	    "$(jq -r '.[2]' <<<"$s")" "$node"
	want_cvd=$(jq -r '.[3] | if length == 0 then "EMPTY" else map(tostring) | join(",") end' <<<"$s")
	assert_eq "job $id: CUDA_VISIBLE_DEVICES vs herd show's gpus" "$want_cvd" "$cvd"
	if [ "$cvd" = EMPTY ]; then
		got=0
	else
		got=$(tr ',' '\n' <<<"$cvd" | sort -u | wc -l)
	fi
	assert_eq "job $id: distinct GPUs in CUDA_VISIBLE_DEVICES=$cvd" "$(gpus_of $i)" "$got"

	out=$(wd_of $i)/herd-$id.out
	assert_file_is "$out" "job $i out
job $i err
"
done

# A GPU index must exist on the node, and no GPU (or CPU beyond the node's
# two) may be used by two jobs at once.  Intervals are the jobs' own
# [start, end], inside the time herd had them allocated.
bad=$(awk -v cpusfile=<(for ((i = 0; i < 60; i++)); do echo "${id_of[$i]} $(cpus_of $i)"; done) '
BEGIN {
	while ((getline l < cpusfile) > 0) { split(l, f, " "); cpus[f[1]] = f[2] }
	ngpu["node1"] = 8; ngpu["node2"] = 4; ngpu["node3"] = 2; ngpu["node4"] = 0
}
{
	id[NR] = $1; node[NR] = $2; cvd[NR] = $3; s[NR] = $4; e[NR] = $5
	if ($3 != "EMPTY") {
		k = split($3, g, ",")
		for (j = 1; j <= k; j++)
			if (g[j] !~ /^[0-9]+$/ || g[j] + 0 >= ngpu[$2])
				printf "job %s: GPU %s does not exist on %s; ", $1, g[j], $2
	}
}
END {
	for (a = 1; a <= NR; a++) {
		used = cpus[id[a]]
		for (b = 1; b <= NR; b++) {
			if (a == b || node[a] != node[b]) continue
			if (s[a] > e[b] || s[b] > e[a]) continue
			# b overlaps a; count b once for the CPU check at a start
			if (s[b] <= s[a] && e[b] >= s[a] && b != a) used += cpus[id[b]]
			if (b < a) continue
			if (cvd[a] == "EMPTY" || cvd[b] == "EMPTY") continue
			split(cvd[a], ga, ","); split(cvd[b], gb, ",")
			for (x in ga) for (y in gb) if (ga[x] == gb[y])
				printf "jobs %s and %s both used %s GPU %s at the same time; ", id[a], id[b], node[a], ga[x]
		}
		if (used > 2)
			printf "%d CPUs in use on %s when job %s started; ", used, node[a], id[a]
	}
}' "$MARK")
[ -z "$bad" ] || fail "$bad"

# Something really ran concurrently, else the overlap check proves nothing.
nodes_used=$(cut -d' ' -f2 "$MARK" | sort -u | tr '\n' ' ')
assert_eq "nodes used" "node1 node2 node3 node4 " "$nodes_used"
note "jobs per node: $(cut -d' ' -f2 "$MARK" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')"

assert_idle
