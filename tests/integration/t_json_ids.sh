#!/bin/bash
# t_json_ids: --json of the per-job commands (hold, release, requeue,
# cancel): one JSON array on stdout over every job named, each with ok and,
# when refused, herdd's reason; refusals still on stderr and in the exit
# status; an array task by its ID_TASK name.
. "$(dirname "$0")/lib.sh"

setup_herdd

# The array's element for one job, as "ok|error".
elem() {
	python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
assert isinstance(a, list), a
e = [x for x in a if x["job"] == sys.argv[2]]
assert len(e) == 1, (sys.argv[2], a)
print("%s|%s" % (str(e[0]["ok"]).lower(), e[0].get("error", "")))' "$1" "$2"
}

j=$(submit --hold --wrap true)
herd hold --json "$j" 99999 >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "herd hold --json with an unknown job: status" 1 "$?"
assert_eq "hold $j" "true|" "$(elem "$TEST_DIR/out" "$j")"
assert_eq "hold 99999" "false|no job 99999" "$(elem "$TEST_DIR/out" 99999)"
grep -q "no job 99999" "$TEST_DIR/err" || fail "herd hold --json: the refusal is not on stderr: $(cat "$TEST_DIR/err")"

herd requeue --json "$j" >"$TEST_DIR/out" 2>/dev/null
assert_eq "herd requeue --json of a pending job: status" 1 "$?"
case $(elem "$TEST_DIR/out" "$j") in
false\|*pending*) ;;
*) fail "herd requeue --json of pending job $j: $(cat "$TEST_DIR/out")" ;;
esac

herd release --json "$j" >"$TEST_DIR/out" || fail "herd release --json $j failed"
assert_eq "release $j" "true|" "$(elem "$TEST_DIR/out" "$j")"
wait_state "$j" COMPLETED 30

a=$(submit --hold --array=1-3 --wrap true)
herd cancel --json "${a}_2" "${a}_9" >"$TEST_DIR/out" 2>/dev/null
assert_eq "herd cancel --json of a task that is not: status" 1 "$?"
assert_eq "cancel ${a}_2" "true|" "$(elem "$TEST_DIR/out" "${a}_2")"
[ "$(elem "$TEST_DIR/out" "${a}_9" | cut -d'|' -f1)" = false ] ||
    fail "herd cancel --json ${a}_9: not refused: $(cat "$TEST_DIR/out")"
herd cancel --json "$a" >"$TEST_DIR/out" || fail "herd cancel --json $a failed"
assert_eq "cancel $a" "true|" "$(elem "$TEST_DIR/out" "$a")"
# Nothing named but a filter that matches nothing: an empty array.
herd cancel --json -n "nothing-$UNIQ" >"$TEST_DIR/out" || fail "herd cancel --json -n (none) failed"
assert_eq "herd cancel --json of nothing" "[]" "$(cat "$TEST_DIR/out")"

# herd wait --json: each ended job as herd history --json gives it.
k=$(submit --wrap 'exit 4')
herd wait --json "$j" "$k" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "herd wait --json with a failed job: status" 1 "$?"
got=$(python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
print(" ".join("%s:%s:%s" % (x["id"], x["state"], x["exit_code"]) for x in sorted(a, key=lambda x: x["id"])))' "$TEST_DIR/out")
assert_eq "herd wait --json" "$j:COMPLETED:0 $k:FAILED:4" "$got"
grep -q "job $k ended FAILED" "$TEST_DIR/err" || fail "herd wait --json: no line on stderr for job $k"
