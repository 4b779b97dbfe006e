# lib.sh: helpers for herd's integration tests; sourced by each t_*.sh.
#
# Theory of operation: tests/integration/run starts one test cluster for the
# whole suite and runs every t_*.sh as a child bash with HERD_BIN, TC_DIR (the
# cluster), REPO and TEST_DIR (this test's own directory, inside TC_DIR so
# that every node sees it).  A test makes its own hosts.ini (a copy of the
# cluster's with state_dir and socket moved into TEST_DIR), starts its own
# herdd on it and so shares nothing with the other tests but the nodes.
# Every herdd a test starts is recorded in TEST_DIR/herdd.pids; the EXIT trap
# stops them, looks for sanitizer reports in their logs and runs the test's
# own cleanup hooks (at_exit).  The driver kills whatever is still listed
# there, by pid, should a test itself be killed.
#
# Conventions: fail() ends the test with a message saying what was expected
# and what was seen; note() writes a line that the driver prints under the
# PASS line (for numbers worth seeing, never asserted); every wait is bounded
# so that a hang fails the test instead of blocking the suite.

set -u

: "${HERD_BIN:?HERD_BIN not set}" "${TC_DIR:?TC_DIR not set}"
: "${REPO:?REPO not set}" "${TEST_DIR:?TEST_DIR not set}"

HOSTS=$TEST_DIR/hosts.ini       # this test's configuration
STATE=$TEST_DIR/state           # its state_dir (queue db, socket)
HERDD_LOG=$TEST_DIR/herdd.log   # the driver shows its tail on failure
WORK=$TEST_DIR/work             # cwd of the test, so of its jobs
NOTES=$TEST_DIR/notes
UNIQ="$$$RANDOM"                # digits only: usable inside sleep arguments

# Sanitizer reports, of herdd and of every herd command, go to files that
# the EXIT trap looks for: a report fails the test even where the command's
# output and status were not checked.
SAN_LOG=$TEST_DIR/sanitizer
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SAN_LOG"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$SAN_LOG:print_stacktrace=1"

_herdd_pids=()
_herdd_logs=()
_at_exit=()

mkdir -p "$WORK" "$STATE"
chmod 700 "$STATE"              # herdd refuses a state_dir others can read
cd "$WORK" || exit 1

# Also from inside $(...): the subshell tells the test's shell to end.
fail() {
	echo "FAIL: $*" >&2
	[ "$BASHPID" = "$$" ] || kill -s USR1 "$$"
	exit 1
}

note() {
	echo "$*" >>"$NOTES"
	echo "note: $*" >&2
}

log() {
	echo "--- $*" >&2
}

# Run a command at exit (cleanup of what the test changed on the cluster).
at_exit() {
	_at_exit+=("$1")
}

# herd on this test's config (or the one in $CONF when set).
herd() {
	"$HERD_BIN/herd" -c "${CONF:-$HOSTS}" "$@"
}

# make_config FILE STATE_DIR [KEY=VALUE...]: the cluster's hosts.ini with
# state_dir and socket in STATE_DIR, and each [controller]/[defaults] KEY
# replaced by VALUE.
make_config() {
	local file=$1 state=$2 kv key val
	shift 2
	mkdir -p "$state" && chmod 700 "$state"
	sed -e "s|^state_dir = .*|state_dir = $state|" \
	    -e "s|^socket = .*|socket = $state/herd.sock|" \
	    "$TC_DIR/hosts.ini" >"$file.tmp" || fail "cannot copy $TC_DIR/hosts.ini"
	for kv in "$@"; do
		key=${kv%%=*} val=${kv#*=}
		grep -q "^$key = " "$file.tmp" || fail "make_config: no key $key in hosts.ini"
		sed -i "s|^$key = .*|$key = $val|" "$file.tmp"
	done
	mv "$file.tmp" "$file"
}

# start_herdd [CONFIG [LOG]]: herdd in the background (foreground mode, log
# on stderr), recorded for cleanup; sets HERDD_PID.  A subshell waits for it
# and keeps its exit status in TEST_DIR/herdd.rc.PID (and so bash does not
# print "Killed" on the test's output when a test kills it).
start_herdd() {
	local conf=${1:-$HOSTS} logf=${2:-$HERDD_LOG} pf i
	pf=$TEST_DIR/herdd.pid.$RANDOM
	(
		"$HERD_BIN/herdd" -c "$conf" </dev/null >>"$logf" 2>&1 &
		echo "$!" >"$pf.tmp" && mv "$pf.tmp" "$pf"
		wait "$!"
		echo "$?" >"$TEST_DIR/herdd.rc.$!"
	) 2>/dev/null &
	for ((i = 0; i < 50; i++)); do
		[ -s "$pf" ] && break
		sleep 0.1
	done
	HERDD_PID=$(cat "$pf" 2>/dev/null) || fail "herdd did not start"
	rm -f "$pf"
	_herdd_pids+=("$HERDD_PID")
	_herdd_logs+=("$logf")
	echo "$HERDD_PID" >>"$TEST_DIR/herdd.pids"
}

# wait_nodes_up [N [SECONDS [CONFIG]]]: until `herd nodes --json` shows N
# nodes up (IDLE, MIXED or ALLOCATED: reachable, probed, not drained).
wait_nodes_up() {
	local n=${1:-4} secs=${2:-20} conf=${3:-$HOSTS} up i
	for ((i = 0; i < secs * 10; i++)); do
		up=$(CONF=$conf herd nodes --json 2>/dev/null |
		    jq '[.[] | select(.state == "IDLE" or .state == "MIXED" or .state == "ALLOCATED")] | length' 2>/dev/null)
		[ "${up:-0}" -ge "$n" ] && return 0
		alive "$HERDD_PID" || fail "herdd (pid $HERDD_PID) died while starting; see its log"
		sleep 0.1
	done
	CONF=$conf herd nodes >&2
	fail "after ${secs}s, ${up:-0} of $n nodes are up (IDLE, MIXED or ALLOCATED)"
}

# The usual start: this test's config (with the given overrides), herdd, all
# four nodes UP.
setup_herdd() {
	make_config "$HOSTS" "$STATE" "$@"
	start_herdd
	wait_nodes_up 4 20
}

alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stop_herdd PID [SIGNAL]: signal it (TERM by default) and wait for it to
# end; KILL after 10 s.  Returns herdd's exit status (137 for KILL).
stop_herdd() {
	local pid=$1 sig=${2:-TERM} i rcf=$TEST_DIR/herdd.rc.$1
	kill -s "$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		echo "herdd (pid $pid) still running 10 s after SIG$sig; killing it" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	# Its waiting subshell may be gone too (killed with the test).
	for ((i = 0; i < 20; i++)); do
		[ -s "$rcf" ] && return "$(cat "$rcf")"
		sleep 0.1
	done
	echo "herdd (pid $pid): no exit status recorded" >&2
	return 255
}

_cleanup() {
	local rc=$? i pid logf
	for i in "${!_at_exit[@]}"; do
		eval "${_at_exit[$i]}" || true
	done
	for i in "${!_herdd_pids[@]}"; do
		pid=${_herdd_pids[$i]}
		alive "$pid" && stop_herdd "$pid" TERM
	done
	for logf in "${_herdd_logs[@]}" "$SAN_LOG".*; do
		[ -f "$logf" ] || continue
		if grep -qE '==[0-9]+==.*Sanitizer|runtime error:' "$logf"; then
			echo "FAIL: sanitizer report in $logf:" >&2
			grep -m 3 -A 15 -E '==[0-9]+==.*Sanitizer|runtime error:' "$logf" >&2
			rc=1
		fi
	done
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 1' USR1

# submit ARGS...: herd submit --parsable; prints the job id or fails.
submit() {
	local out
	out=$(herd submit --parsable "$@" 2>"$TEST_DIR/submit.err") ||
	    fail "herd submit $* failed (exit $?): $(cat "$TEST_DIR/submit.err")"
	case $out in
	''|*[!0-9]*) fail "herd submit --parsable printed '$out', not a job id" ;;
	esac
	echo "$out"
}

# herd wait, bounded; returns herd wait's exit status (124 on timeout).
wait_jobs() {
	local secs=$1
	shift
	timeout "$secs" "$HERD_BIN/herd" -c "${CONF:-$HOSTS}" wait "$@"
}

# show_json ID: herd show ID --json, or fail.
show_json() {
	herd show "$1" --json || fail "herd show $1 --json failed"
}

# field ID JQ-PATH: one field of herd show ID --json, raw.
field() {
	show_json "$1" | jq -r "$2"
}

# hist_of ID JQ: a field of job ID as herd history --json gives it.
hist_of() {
	herd history --all --json | jq -r --argjson id "$1" ".[] | select(.id == \$id) | $2"
}

# wait_state ID STATE SECONDS: poll herd show until the job is in STATE.
wait_state() {
	local id=$1 want=$2 secs=$3 i st=
	for ((i = 0; i < secs * 10; i++)); do
		st=$(field "$id" .state)
		[ "$st" = "$want" ] && return 0
		sleep 0.1
	done
	fail "job $id: expected state $want within ${secs}s, got $st"
}

# node_field NODE JQ-PATH: a field of NODE in herd nodes --json.
node_field() {	# node_field NODE JQ-PATH
	herd nodes --json | jq -r --arg n "$1" ".[] | select(.name == \$n) | $2"
}

# wait_node NODE STATE SECONDS: until NODE's state is STATE (IDLE, DOWN...).
wait_node() {	# wait_node NODE STATE SECONDS
	local i st=
	for ((i = 0; i < $3 * 10; i++)); do
		st=$(node_field "$1" .state)
		[ "$st" = "$2" ] && return 0
		sleep 0.1
	done
	herd nodes >&2
	fail "node $1: expected $2 within $3 s, got $st"
}

# wait_file PATH SECONDS: until PATH exists.
wait_file() {
	local f=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		[ -e "$f" ] && return 0
		sleep 0.1
	done
	fail "$f did not appear within ${secs}s"
}

# wait_gone PATTERN SECONDS: until no process matches pgrep -f PATTERN;
# returns 1 if some still do.
wait_gone() {
	local pat=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		pgrep -f -- "$pat" >/dev/null || return 0
		sleep 0.1
	done
	return 1
}

assert_eq() {
	local what=$1 want=$2 got=$3
	[ "$want" = "$got" ] || fail "$what: expected '$want', got '$got'"
}

# assert_file_is PATH CONTENT: the file holds exactly CONTENT (bytes).
assert_file_is() {
	local f=$1 want=$2
	[ -f "$f" ] || fail "expected file $f does not exist"
	cmp -s "$f" <(printf '%s' "$want") ||
	    fail "$f: expected $(printf '%s' "$want" | od -An -c | head -c 300), got $(od -An -c "$f" | head -c 300)"
}

# fwd_start TAIL ARGS...: herd port-forward ARGS in the background until it
# says "herd: forwarding 127.0.0.1:PORT TAIL" (TAIL a sed pattern: where the
# test expects it to reach); sets FWD_PID and FWD_PORT, or fails with what
# it said.
fwd_start() {
	local tail=$1 i
	shift
	"$HERD_BIN/herd" -c "${CONF:-$HOSTS}" port-forward "$@" >"$TEST_DIR/fwd.out" \
	    2>"$TEST_DIR/fwd.err" &
	FWD_PID=$!
	at_exit "kill $FWD_PID 2>/dev/null"
	for ((i = 0; i < 100; i++)); do
		FWD_PORT=$(sed -n "s/^herd: forwarding 127\.0\.0\.1:\([0-9]*\) $tail/\1/p" \
		    "$TEST_DIR/fwd.out")
		[ -n "$FWD_PORT" ] && return 0
		sleep 0.1
	done
	fail "herd port-forward $*: $(cat "$TEST_DIR/fwd.out" "$TEST_DIR/fwd.err")"
}

# The cluster's queue is empty and nothing holds a GPU or CPU.
assert_idle() {
	local q busy
	q=$(herd queue --json) || fail "herd queue --json failed"
	assert_eq "herd queue --json at the end" "[]" "$(jq -c . <<<"$q")"
	busy=$(herd nodes --json | jq -c '[.[] | .name as $n |
	    (.gpus[] | select(.job != null) | "\($n) gpu \(.index) job \(.job)"),
	    (select(.cpus_used != 0) | "\($n) cpus_used \(.cpus_used)")]')
	assert_eq "busy GPUs/CPUs at the end" "[]" "$busy"
}

# hold_alloc NAME: herd alloc -G 1 -J NAME in the background, its shell
# waiting on the fifo TEST_DIR/hold (fd 7: `echo x >&7` ends it); sets
# ALLOC_PID and ALLOC_JOB once it holds its GPU.
hold_alloc() {
	local i
	mkfifo "$TEST_DIR/hold"
	exec 7<>"$TEST_DIR/hold"
	"$HERD_BIN/herd" -c "$HOSTS" alloc -G 1 -J "$1" -- sh -c 'read -r x; exit 0' <"$TEST_DIR/hold" \
	    >"$TEST_DIR/alloc.out" 2>"$TEST_DIR/alloc.err" &
	ALLOC_PID=$!
	at_exit "kill $ALLOC_PID 2>/dev/null"
	for ((i = 0; i < 600; i++)); do grep -q "has been allocated" "$TEST_DIR/alloc.err" && break; sleep 0.1; done
	ALLOC_JOB=$(sed -n 's/^herd: job \([0-9]*\) has been allocated resources$/\1/p' "$TEST_DIR/alloc.err")
	[ -n "$ALLOC_JOB" ] || fail "herd alloc never got its allocation: $(cat "$TEST_DIR/alloc.err")"
}
