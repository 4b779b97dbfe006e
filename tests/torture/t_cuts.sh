#!/bin/bash
# t_cuts: herdd's SSH connections to the nodes cut CUTS times, 0.5-2.5 s
# apart, while CUTS_JOBS jobs with known exit codes (sleep 0.5-3 s, exit
# 0/1/7/42/3) and mixed GPU and CPU counts run.  A cut picks a random node
# and, two times in three, SIGKILLs the sshd session processes serving
# herdd there (the connection drops as when a network path dies), else the
# long-lived node shell (`/bin/sh -s`, as an OOM kill or a user's pkill
# would).  Node processes are told from others by their mount namespace,
# as scripts/testcluster records it; the listening sshd is spared.
#
# Each job writes "S I ID NODE CUDA_VISIBLE_DEVICES START_NS" to a marker
# as it starts and "E I ID END_NS" as it ends.  Afterwards: every job ended
# with its real exit code (none NODE_FAIL), none ran twice, and no two jobs
# held the same GPU, or more CPUs than their node has, at the same time.

. "$(dirname "$0")/lib.sh"

size CUTS_JOBS 300 60
size CUTS 50 10
cluster=tort-cuts
setup_herdd "cluster=$cluster"
MARK=$TEST_DIR/marker
ACKED=$TEST_DIR/acked          # "ID CODE I GPUS CPUS"
: >"$MARK"
: >"$ACKED"
cat >"$TEST_DIR/job.sh" <<'EOF2'
#!/bin/sh
# job.sh MARK I SLEEP CODE
cvd=${CUDA_VISIBLE_DEVICES-UNSET}
[ -n "$cvd" ] || cvd=EMPTY
echo "S $2 $HERD_JOB_ID $HERD_NODE $cvd $(date +%s%N)" >>"$1"
sleep "$3"
echo "E $2 $HERD_JOB_ID $(date +%s%N)" >>"$1"
exit "$4"
EOF2
chmod +x "$TEST_DIR/job.sh"

therd 20 nodes --json | jq -r '.[] | "\(.name) \(.cpus) \(.gpus | length)"' >"$TEST_DIR/nodecaps" ||
    fail "herd nodes --json failed"
codes=(0 1 7 42 0 3)
gpus=(0 1 0 2 0 1 4 0 0 2)
for ((i = 1; i <= CUTS_JOBS; i++)); do
	c=${codes[$((i % 6))]} g=${gpus[$((i % 10))]} p=$((i % 7 == 3 ? 2 : 1))
	id=$(submit --gpus "$g" --cpus "$p" "$TEST_DIR/job.sh" "$MARK" "$i" \
	    "$(rand_sleep 500 3000)" "$c")
	echo "$id $c $i $g $p" >>"$ACKED"
done

# node_procs NODE sshd: the sshd session processes in NODE's mount
# namespace (not its listener).  node_procs NODE shell: herdd's node shells
# there, `/bin/sh -s` children of an sshd; not the job runners, which are
# forks of a node shell with the same command line: killing a runner is not
# a lost connection, and no one could then know how its job ended.
node_procs() {
	local nd=$TC_DIR/nodes/$1 ns pid lpid pat=sshd flag=-x
	ns=$(cat "$nd/mntns" 2>/dev/null) || return 0
	lpid=$(cat "$nd/pid" 2>/dev/null)
	[ "$2" = shell ] && pat='^/bin/sh -s$' flag=-f
	for pid in $(pgrep "$flag" "$pat"); do
		[ "$pid" != "$lpid" ] || continue
		[ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$ns" ] || continue
		if [ "$2" = shell ]; then
			[ "$(cat "/proc/$(cut -d' ' -f4 "/proc/$pid/stat" 2>/dev/null)/comm" 2>/dev/null)" = sshd ] || continue
		fi
		echo "$pid"
	done
}

cuts=0 sshd_cuts=0 shell_cuts=0 empty=0
for ((k = 1; k <= CUTS; k++)); do
	sleep "$(rand_sleep 500 2500)"
	node=node$((1 + RANDOM % 4))
	if [ $((RANDOM % 3)) -ne 0 ]; then
		pids=$(node_procs "$node" sshd) kind=sshd
	else
		pids=$(node_procs "$node" shell) kind=shell
	fi
	if [ -z "$pids" ]; then
		empty=$((empty + 1))
		continue
	fi
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	echo "cut $k: $node $kind pids $(echo $pids)" >>"$TEST_DIR/cuts.log"
	cuts=$((cuts + 1))
	[ "$kind" = sshd ] && sshd_cuts=$((sshd_cuts + 1)) || shell_cuts=$((shell_cuts + 1))
	alive "$HERDD_PID" || fail "herdd died after cut $k; see its log"
done
wait_settled "$ACKED" 300 || log "jobs still queued or running 300 s after the last cut"
alive "$HERDD_PID" || fail "herdd died"

check_ends "$ACKED"
starts=$(grep -c '^S ' "$MARK")
ran_twice=$(awk '$1 == "S" { print $3 }' "$MARK" | sort | uniq -d)
nodefail=$(grep -c ' NODE_FAIL ' "$TEST_DIR/ends")
figure "cuts (sshd sessions + node shells)" "$cuts ($sshd_cuts + $shell_cuts)"
figure "cuts that found nothing to kill" "$empty"
figure "jobs acknowledged" "$(wc -l <"$ACKED")"
figure "job starts in the marker" "$starts"

wrong=()
while IFS= read -r l; do
	wrong+=("$l")
	id=$(awk '{ print $3 }' <<<"$l" | tr -d :)
	wrong+=("  marker: $(grep -E "^[SE] [0-9]+ $id " "$MARK" | tr '\n' ';')")
	for f in "$TC_DIR"/nodes/*/home/.herd/jobs/"$cluster-$id".*.state; do
		[ -f "$f" ] && wrong+=("  node file ${f#"$TC_DIR"/nodes/}: $(tr '\n' ';' <"$f")")
	done
	while IFS= read -r m; do wrong+=("  log: $m"); done < <(log_lines_about "$id")
done < <(grep '^WRONG' "$TEST_DIR/ends.bad" | head -n 10)
invariant "acknowledged jobs lost" "$LOST" 0 "$(grep '^LOST' "$TEST_DIR/ends.bad" | head -n 40 | tr '\n' ' ')"
invariant "jobs ended wrong" "$WRONG" 0 "${wrong[@]}"
invariant "jobs ended NODE_FAIL" "$nodefail" 0 "$(grep ' NODE_FAIL ' "$TEST_DIR/ends" | head -n 10 | tr '\n' ';')"
invariant "jobs run twice" "$(grep -c . <<<"$ran_twice")" 0 \
    "$(for id in $ran_twice; do grep -E "^[SE] [0-9]+ $id " "$MARK" | tr '\n' ';'; done)"
invariant "jobs not ended in time" "$UNSETTLED" 0 "$(grep '^UNSETTLED' "$TEST_DIR/ends.bad" | head -n 20 | tr '\n' ';')"

# Overlaps.  A job's interval is [S, E] from the marker; a job that never
# wrote E (killed) counts as running until the end.  At each start, the
# CPUs of the jobs running on that node, and any GPU two of them share.
over=$(awk '
FILENAME == ARGV[1] { cpus[$1] = $5; next }
FILENAME == ARGV[2] { ncpu[$1] = $2; next }
$1 == "S" { n++; id[n] = $3; node[n] = $4; cvd[n] = $5; s[n] = $6; e[n] = 9e18; at[$3] = n; next }
$1 == "E" && ($3 in at) { e[at[$3]] = $4 }
END {
	for (a = 1; a <= n; a++) {
		used = cpus[id[a]]; who = id[a]
		for (b = 1; b <= n; b++) {
			if (a == b || node[a] != node[b]) continue
			if (s[b] <= s[a] && e[b] > s[a]) { used += cpus[id[b]]; who = who "," id[b] }
			if (b < a || s[a] > e[b] || s[b] > e[a]) continue
			if (cvd[a] == "EMPTY" || cvd[b] == "EMPTY") continue
			split(cvd[a], ga, ","); split(cvd[b], gb, ",")
			for (x in ga) for (y in gb) if (ga[x] == gb[y])
				printf "jobs %s and %s both held %s GPU %s\n", id[a], id[b], node[a], ga[x]
		}
		if (used > ncpu[node[a]])
			printf "%d CPUs in use on %s (which has %d) when job %s started: jobs %s\n", used, node[a], ncpu[node[a]], id[a], who
	}
}' "$ACKED" "$TEST_DIR/nodecaps" "$MARK")
invariant "times a GPU was held by two jobs" "$(grep -c 'GPU' <<<"$over")" 0 "$(grep GPU <<<"$over" | head -n 10)"
invariant "times a node's CPUs were overcommitted" "$(grep -c 'CPUs in use' <<<"$over")" 0 "$(grep 'CPUs in use' <<<"$over" | head -n 10)"
figure "herdd log: shell lost / reopened" "$(grep -c 'shell lost' "$HERDD_LOG")"
