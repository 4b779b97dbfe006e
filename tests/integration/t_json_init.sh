#!/bin/bash
# t_json_init: herd init --json, with no terminal: it asks nothing.  node1's
# key is known, node2's is not (left out, not trusted unseen, its
# fingerprint in the JSON), nowhere does not resolve; the JSON on stdout
# lists each host with its result and the file written, the people's
# report goes to stderr; the file holds node1 and reads back in herdd
# --check.  --json without hosts, or --lab without --lab-from, is a usage
# error; with no host passing, ok false and no file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/initlib.sh"

init_home node1 node2
printf 'Host nowhere\n    HostName nowhere.invalid\n' >>"$HOME/.ssh/config"
KH=$HOME/.ssh/known_hosts
INI=$TEST_DIR/init.ini
grep "^\[127.0.0.11\]:$PORT " "$TC_DIR/known_hosts" >"$KH" ||
    fail "no node1 key in the cluster's known_hosts"
fp() { ssh-keygen -lf "$TC_DIR/nodes/$1/ssh_host_ed25519_key.pub" | awk '{print $2}'; }

"$HERD_BIN/herd" init --json -o "$INI" node1 node2 nowhere </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err" ||
    fail "herd init --json failed: $(cat "$TEST_DIR/err")"
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["ok"], d["file"], d["nodes"])
for h in d["hosts"]:
    k = h["host_key"] or {}
    print(h["name"], h["ok"], h["hostname"], h["port"], k.get("state"), k.get("sha256"),
          "error" if h["error"] else "-", isinstance(h["warnings"], list))' "$TEST_DIR/out") ||
    fail "herd init --json: not the JSON expected: $(cat "$TEST_DIR/out")"
assert_eq "init --json: the result" "True $INI 1" "$(sed -n 1p <<<"$got")"
assert_eq "init --json: node1" "node1 True 127.0.0.11 $PORT known $(fp node1) - True" "$(sed -n 2p <<<"$got")"
assert_eq "init --json: node2" "node2 False 127.0.0.12 $PORT unknown $(fp node2) error True" "$(sed -n 3p <<<"$got")"
assert_eq "init --json: nowhere" "nowhere False" "$(sed -n 4p <<<"$got" | cut -d' ' -f1,2)"
grep -q "asks nothing" <<<"$(jq -r '.hosts[1].error' "$TEST_DIR/out")" ||
    fail "init --json: node2's error does not say why: $(jq -r '.hosts[1].error' "$TEST_DIR/out")"
assert_eq "known_hosts untouched" 1 "$(wc -l <"$KH")"
grep -q "Wrote $INI" "$TEST_DIR/err" || fail "init --json: the report is not on stderr: $(cat "$TEST_DIR/err")"
grep -q '^\[node node1\]' "$INI" || fail "node1 not in the file: $(cat "$INI")"
grep -q '^\[node node2\]' "$INI" && fail "node2 written uncommented: $(cat "$INI")"
"$HERD_BIN/herdd" -c "$INI" --check >/dev/null 2>&1 || fail "herdd --check refuses the file"

# Asks nothing: hosts must be named, lab_from given.
"$HERD_BIN/herd" init --json -o "$TEST_DIR/x.ini" </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "init --json without hosts: status" 2 "$?"
[ ! -s "$TEST_DIR/out" ] || fail "init --json usage error printed on stdout: $(cat "$TEST_DIR/out")"
"$HERD_BIN/herd" init --json --lab -o "$TEST_DIR/x.ini" node1 </dev/null >/dev/null 2>"$TEST_DIR/err"
assert_eq "init --json --lab without --lab-from: status" 2 "$?"
grep -q -- "--lab-from" "$TEST_DIR/err" || fail "init --json --lab: no reason: $(cat "$TEST_DIR/err")"

# Nothing passes: ok false, no file, status 1.
"$HERD_BIN/herd" init --json -o "$TEST_DIR/y.ini" node2 </dev/null >"$TEST_DIR/out" 2>/dev/null
assert_eq "init --json, no host passing: status" 1 "$?"
assert_eq "init --json, no host passing" "False None node2 False" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["ok"], d["file"], d["hosts"][0]["name"], d["hosts"][0]["ok"])' "$TEST_DIR/out")"
[ ! -e "$TEST_DIR/y.ini" ] || fail "init --json wrote a file with no host passing"
