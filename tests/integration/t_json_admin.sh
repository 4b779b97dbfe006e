#!/bin/bash
# t_json_admin: --json of herd update, herd drain / resume and herd
# reconfigure: one JSON document on stdout, parsed by python3; refusals
# still on stderr and in the exit status.
#   - update: [{"job", "ok", "changed": {field: value}}], a refused update
#     ok false with herdd's error and what was asked;
#   - drain / resume: an element per node with ok and its new state (the
#     state herd nodes shows); an unknown name refuses every node named;
#   - reconfigure: {"ok", "changes": [...]}, [] when nothing changed, and
#     {"ok": false, "error"} for a broken hosts.ini.
. "$(dirname "$0")/lib.sh"

setup_herdd

py() {	# py FILE EXPR: EXPR over the JSON document in FILE (as d)
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2" || fail "not JSON, or not as expected: $(cat "$1")"
}

# herd update --json
j=$(submit --hold --wrap true)
herd update --json "$j" time_limit=1:30:00 name="n\"$UNIQ" gres=gpu:1 >"$TEST_DIR/out" ||
    fail "herd update --json failed: $(cat "$TEST_DIR/out")"
assert_eq "update: the job" "$j True" "$(py "$TEST_DIR/out" 'd[0]["job"], d[0]["ok"]' | tr -d "(),'")"
assert_eq "update: what changed" "{'time_limit': 5400, 'name': 'n\"$UNIQ', 'gpus': 1}" \
    "$(py "$TEST_DIR/out" 'd[0]["changed"]')"
assert_eq "update: one job" 1 "$(py "$TEST_DIR/out" 'len(d)')"
assert_eq "update: stored" 5400 "$(field "$j" .time_limit)"
herd update --json "$j" cpus=64 >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "herd update --json refused: status" 1 "$?"
assert_eq "update refused: ok" False "$(py "$TEST_DIR/out" 'd[0]["ok"]')"
[ -n "$(py "$TEST_DIR/out" 'd[0]["error"]')" ] || fail "update refused: no error: $(cat "$TEST_DIR/out")"
assert_eq "update refused: asked" "{'cpus': 64}" "$(py "$TEST_DIR/out" 'd[0]["asked"]')"
[ -s "$TEST_DIR/err" ] || fail "herd update --json: the refusal is not on stderr"
herd cancel "$j" >/dev/null

# herd drain / resume --json
herd drain --json node1 node2 node1 -r "json $UNIQ" >"$TEST_DIR/out" ||
    fail "herd drain --json failed: $(cat "$TEST_DIR/out")"
assert_eq "drain: nodes" "node1 True DRAINED node2 True DRAINED" \
    "$(py "$TEST_DIR/out" '" ".join("%s %s %s" % (e["node"], e["ok"], e["state"]) for e in d)')"
assert_eq "drain: the message" "node1: DRAINED" "$(py "$TEST_DIR/out" 'd[0]["message"]')"
assert_eq "drain: herd nodes agrees" DRAINED "$(node_field node2 .state)"
herd resume --json node1 nosuch$UNIQ >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "herd resume --json of an unknown node: status" 1 "$?"
assert_eq "resume refused: every node" "node1 False no node nosuch$UNIQ nosuch$UNIQ False no node nosuch$UNIQ" \
    "$(py "$TEST_DIR/out" '" ".join("%s %s %s" % (e["node"], e["ok"], e["error"]) for e in d)')"
grep -q "no node nosuch$UNIQ" "$TEST_DIR/err" || fail "herd resume --json: the refusal is not on stderr"
herd resume --json node1 node2 >"$TEST_DIR/out" || fail "herd resume --json failed: $(cat "$TEST_DIR/out")"
assert_eq "resume: nodes" "node1 True IDLE node2 True IDLE" \
    "$(py "$TEST_DIR/out" '" ".join("%s %s %s" % (e["node"], e["ok"], e["state"]) for e in d)')"

# herd reconfigure --json
herd reconfigure --json >"$TEST_DIR/out" || fail "herd reconfigure --json failed: $(cat "$TEST_DIR/out")"
assert_eq "reconfigure, nothing changed" "True []" "$(py "$TEST_DIR/out" 'd["ok"], d["changes"]' | tr -d "(),")"
sed -i 's/^probe_interval = .*/probe_interval = 7/' "$HOSTS"
grep -q "^probe_interval = 7" "$HOSTS" || echo "probe_interval = 7" >>"$HOSTS"
herd reconfigure --json >"$TEST_DIR/out" || fail "herd reconfigure --json failed: $(cat "$TEST_DIR/out")"
case $(py "$TEST_DIR/out" 'd["changes"][0]') in
*probe_interval*7*) ;;
*) fail "herd reconfigure --json: no probe_interval change: $(cat "$TEST_DIR/out")" ;;
esac
cp "$HOSTS" "$TEST_DIR/good.ini"
echo "[node broken" >>"$HOSTS"
herd -s "$STATE/herd.sock" reconfigure --json >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "herd reconfigure --json of a broken file: status" 1 "$?"
assert_eq "reconfigure refused: ok" False "$(py "$TEST_DIR/out" 'd["ok"]')"
case $(py "$TEST_DIR/out" 'd["error"]') in
*"$HOSTS"*) ;;
*) fail "herd reconfigure --json: the error does not name the file: $(cat "$TEST_DIR/out")" ;;
esac
[ -s "$TEST_DIR/err" ] || fail "herd reconfigure --json: the refusal is not on stderr"
cp "$TEST_DIR/good.ini" "$HOSTS"
