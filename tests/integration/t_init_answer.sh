#!/bin/bash
# t_init_answer: each of herd init's questions takes one line of the
# user's, whole.  An answer longer than herd init reads (here 66 bytes to
# the host key question, which reads 63) is no answer to the next
# question too: its tail ("yes") must not accept node2's host key, which
# the user was never shown before the answer was typed.

. "$(dirname "$0")/lib.sh"

PORT=$(sed -n 's/^port = //p' "$TC_DIR/hosts.ini")
NODE_USER=$(sed -n 's/^user = //p' "$TC_DIR/hosts.ini")
export HOME=$TEST_DIR/home XDG_CONFIG_HOME= XDG_STATE_HOME=
mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
cat >"$HOME/.ssh/config" <<EOF2
Host node1
    HostName 127.0.0.11
    Port $PORT
    User $NODE_USER
    IdentityFile $TC_DIR/client_key
Host node2
    HostName 127.0.0.12
    Port $PORT
    User $NODE_USER
    IdentityFile $TC_DIR/client_key
EOF2
KH=$HOME/.ssh/known_hosts
long="no$(printf '%61s' '')yes"
out=$("$REPO/tests/integration/pty_dialog.py" 'Add it to' "$long\\r" 'Add it to' 'no\r' -- \
    "$HERD_BIN/herd" init -o "$TEST_DIR/init.ini" node1 node2)
rc=$?
echo "$out" >"$TEST_DIR/init.out"
[ "$rc" = 125 ] && fail "node2's question never asked: $out"
if [ -e "$KH" ]; then
	grep -q '127.0.0.12' "$KH" && fail "node2's key added by the tail of node1's answer: $(cat "$KH")"
	grep -q '127.0.0.11' "$KH" && fail "node1's key added: $(cat "$KH")"
fi
[ "$rc" = 1 ] || fail "herd init exited $rc (no host passed: 1): $out"
