# lib.sh: helpers for the torture runs; sourced by each tests/torture/t_*.sh
# after the integration tests' lib.sh (setup_herdd, submit, start_herdd,
# stop_herdd, fail, ...), which it sources itself.
#
# A run does not stop at the first broken promise: it counts them.  Each
# figure goes to TEST_DIR/figures as "NAME|VALUE|STATUS" (STATUS "ok",
# "BROKEN" or empty for a figure that is only reported); the driver prints
# them as a table.  The evidence for a BROKEN figure (job ids, states,
# reasons, log lines) goes to TEST_DIR/details, which the driver prints.
# fail() (from the integration lib) is kept for a run that cannot go on at
# all (herdd does not start, the cluster is gone): the driver shows it as
# ERROR.

. "$REPO/tests/integration/lib.sh"

FIGURES=$TEST_DIR/figures
DETAILS=$TEST_DIR/details
: >"$FIGURES"
: >"$DETAILS"
QUICK=${TORTURE_QUICK:-}
# The interpreter itself, not a wrapper (a pyenv shim is a shell script that
# takes seconds to start on a loaded machine).
PY=$(python3 -c 'import sys; print(sys.executable)') || fail "python3 does not run"

# figure NAME VALUE: a number worth seeing, not a promise.
figure() {
	echo "$1|$2|" >>"$FIGURES"
	echo "figure: $1 = $2" >&2
}

# invariant NAME VALUE WANT [DETAILS...]: a promise; BROKEN when VALUE is
# not WANT, and then DETAILS (lines) go to the details file.
invariant() {
	local name=$1 val=$2 want=$3 st=ok
	shift 3
	if [ "$val" != "$want" ]; then
		st=BROKEN
		{
			echo "$name = $val (want $want):"
			[ $# -eq 0 ] || printf '  %s\n' "$@"
		} >>"$DETAILS"
	fi
	echo "$name|$val|$st" >>"$FIGURES"
	echo "invariant: $name = $val ($st)" >&2
}

# detail TEXT: one more line of evidence.
detail() {
	echo "  $*" >>"$DETAILS"
}

# size VAR FULL QUICK: VAR from the environment, else FULL (QUICK in quick
# mode).
size() {
	local v=${!1:-}
	if [ -z "$v" ]; then
		if [ -n "$QUICK" ]; then v=$3; else v=$2; fi
	fi
	case $v in
	''|*[!0-9.]*) fail "$1 must be a number, not '$v'" ;;
	esac
	printf -v "$1" '%s' "$v"
	echo "size: $1=$v" >&2
}

# median: of the numbers on stdin (one a line); "-" when none.
median() {
	sort -n | awk '{ a[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# p_max: the largest number on stdin.
p_max() {
	sort -n | tail -n 1
}

# now_ms [VAR]: wall clock in milliseconds, printed or put in VAR (no
# subshell: the submit loops run by the hundred on two cores).
now_ms() {
	local t=$EPOCHREALTIME
	if [ $# -eq 1 ]; then
		printf -v "$1" '%d' $((${t%.*} * 1000 + 10#${t#*.} / 1000))
	else
		echo $((${t%.*} * 1000 + 10#${t#*.} / 1000))
	fi
}

# rand_ms LO HI: a random number of milliseconds in [LO, HI], as seconds
# for sleep.
rand_sleep() {
	local ms=$(($1 + RANDOM % ($2 - $1 + 1)))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# A herd command bounded in time (herdd down or stuck must not hang a run).
therd() {
	local secs=$1
	shift
	timeout -k 2 "$secs" "$HERD_BIN/herd" -c "${CONF:-$HOSTS}" "$@"
}

# wait_settled IDFILE SECS: until none of the job ids in IDFILE (first word
# of each line) is PENDING, LAUNCHING or RUNNING in `herd queue --json`, for
# at most SECS; returns 1 on timeout.  Restarts herdd if it died.
wait_settled() {
	local idf=$1 secs=$2 deadline left q
	deadline=$((EPOCHSECONDS + secs))
	while [ "$EPOCHSECONDS" -lt "$deadline" ]; do
		alive "$HERDD_PID" || { start_herdd; sleep 1; }
		q=$(therd 30 queue --json 2>/dev/null) || { sleep 1; continue; }
		left=$(jq -r '.[].id' <<<"$q" | awk 'NR == FNR { want[$1] = 1; next } ($1 in want)' \
		    "$idf" - | wc -l)
		[ "$left" -eq 0 ] && return 0
		sleep 1
	done
	return 1
}

# check_ends EXPECT: EXPECT has "ID CODE" lines (each acknowledged job and
# the exit code it must end with).  Sets LOST (acknowledged, unknown to
# herdd now), WRONG (ended other than COMPLETED 0 / FAILED CODE), and
# UNSETTLED (still queued or running), with the evidence in the details.
check_ends() {
	local exp=$1 hist
	hist=$(therd 120 history --all -n 100000 --json) || fail "herd history --json failed"
	jq -r '.[] | "\(.id) \(.state) \(.exit_code) \(.node // "-") \(.reason // "-" | gsub(" "; "_"))"' \
	    <<<"$hist" >"$TEST_DIR/ends"
	therd 60 queue --json | jq -r '.[] | "\(.id) \(.state) - \(.node // "-") -"' >>"$TEST_DIR/ends"
	awk 'NR == FNR { st[$1] = $2; code[$1] = $3; node[$1] = $4; why[$1] = $5; next }
	{
		id = $1; want = $2
		if (!(id in st)) { print "LOST " id; next }
		if (st[id] == "PENDING" || st[id] == "RUNNING" || st[id] == "LAUNCHING") {
			print "UNSETTLED " id " " st[id] " node " node[id]; next }
		ws = want == 0 ? "COMPLETED" : "FAILED"
		if (st[id] != ws || code[id] != want)
			printf "WRONG job %s: want %s %s, got %s %s on %s, reason %s\n", id, ws, want, st[id], code[id], node[id], why[id]
	}' "$TEST_DIR/ends" "$exp" >"$TEST_DIR/ends.bad"
	LOST=$(grep -c '^LOST' "$TEST_DIR/ends.bad")
	WRONG=$(grep -c '^WRONG' "$TEST_DIR/ends.bad")
	UNSETTLED=$(grep -c '^UNSETTLED' "$TEST_DIR/ends.bad")
}

# log_lines_about ID...: herdd log lines naming any of the jobs.
log_lines_about() {
	local id
	for id in "$@"; do
		grep -hE "job $id([^0-9]|$)|-$id\.[0-9]" "$TEST_DIR"/*herdd*.log 2>/dev/null | tail -n 6
	done
}
