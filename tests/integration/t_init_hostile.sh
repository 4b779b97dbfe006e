#!/bin/bash
# t_init_hostile: herd init against a careless user and a hostile
# neighbour.
#
# 1. Its file is written beside the output first (then linked or renamed
# into place).  That first file must be its own new one: a name another
# user could guess and plant a symlink at (the output directory shared, as
# a lab's /srv/herd or /tmp) would have herd init truncate and overwrite
# the symlink's target with the runner's rights, and put the symlink in
# place as the output.  Here a symlink waits at "OUT.herd-init.PID" (the
# PID that exec keeps): the target is untouched, and the output is a plain
# file that reads back.
#
# 2. Each of its questions takes one line of the user's, whole.  An answer
# longer than herd init reads (here 66 bytes to the host key question,
# which reads 63) is no answer to the next question too: its tail ("yes")
# must not accept node2's host key, which the user was never shown before
# the answer was typed.
#
# 3. An answer typed ahead, before the question, is not its answer.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/initlib.sh"

init_home node1 node2
KH=$HOME/.ssh/known_hosts

# --- 1. a symlink planted at the temporary name.
# node1's key already known: no question to answer.
printf '[127.0.0.11]:%s %s\n' "$PORT" \
    "$(cut -d' ' -f1-2 "$TC_DIR/nodes/node1/ssh_host_ed25519_key.pub")" >"$KH"
OUT=$TEST_DIR/shared/hosts.ini
mkdir -p "$TEST_DIR/shared"
echo precious >"$TEST_DIR/victim"

out=$(sh -c 'ln -s "$1" "$2.herd-init.$$" && exec "$3" init -o "$2" node1' sh \
    "$TEST_DIR/victim" "$OUT" "$HERD_BIN/herd" 2>&1 </dev/null)
rc=$?
assert_eq "the symlink's target" precious "$(cat "$TEST_DIR/victim")"
[ -L "$OUT" ] && fail "the output is a symlink: $(ls -l "$OUT")"
[ "$rc" = 0 ] || fail "herd init exited $rc: $out"
grep -q '^\[node node1\]$' "$OUT" || fail "no node1 in $OUT: $(cat "$OUT")"
chk=$("$HERD_BIN/herdd" -c "$OUT" --check 2>&1) || fail "herdd --check: $chk"
# Nothing of herd init's own left beside it (the planted link is not its).
left=$(ls "$TEST_DIR/shared" | grep -v '^hosts\.ini$' | grep -v "^hosts\.ini\.herd-init\.[0-9]*$")
[ -z "$left" ] || fail "left behind: $left"

# --- 2. an over-long answer; known_hosts empty again.
rm -f "$KH"
long="no$(printf '%61s' '')yes"
out=$("$REPO/tests/integration/pty_dialog.py" 'Add it to' "$long\\r" 'Add it to' 'no\r' -- \
    "$HERD_BIN/herd" init -o "$TEST_DIR/answer.ini" node1 node2)
rc=$?
echo "$out" >"$TEST_DIR/init.out"
[ "$rc" = 125 ] && fail "node2's question never asked: $out"
if [ -e "$KH" ]; then
	grep -q '127.0.0.12' "$KH" && fail "node2's key added by the tail of node1's answer: $(cat "$KH")"
	grep -q '127.0.0.11' "$KH" && fail "node1's key added: $(cat "$KH")"
fi
[ "$rc" = 1 ] || fail "herd init exited $rc (no host passed: 1): $out"

# --- 3. typed ahead: "yes" typed before herd init has shown any key (as
# ssh, which reads its answer with readpassphrase's TCSAFLUSH) is not the
# answer to a host key question; the answer typed after the question is.
rm -f "$KH"
out=$("$REPO/tests/integration/pty_dialog.py" '' 'yes\r' 'Add it to' 'no\r' -- \
    "$HERD_BIN/herd" init -o "$TEST_DIR/ahead.ini" node1)
rc=$?
[ "$rc" = 125 ] && fail "typed ahead: the question never asked: $out"
[ -e "$KH" ] && grep -q '127.0.0.11' "$KH" && fail "typed ahead: node1's key added: $out"
[ "$rc" = 1 ] || fail "typed ahead: herd init exited $rc (no host passed: 1): $out"
