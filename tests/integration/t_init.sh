#!/bin/bash
# t_init: herd init as a new user runs it, in a real pseudo-terminal, with
# an ~/.ssh/config naming two of the test cluster's sshd nodes and an empty
# known_hosts: it lists the config's Host names (not its wildcard), asks for
# each unknown host key with its SHA256 fingerprint (the node's own, as
# ssh-keygen -l prints it); the answer yes (node1) adds the key, no (node2)
# leaves the node out, commented out with why.  The file reads back in
# herdd --check, and herdd started on it as init says runs the test job
# init prints, on node1.  A changed host key is refused and not replaced;
# an existing file is not overwritten without --force.

. "$(dirname "$0")/lib.sh"

PORT=$(sed -n 's/^port = //p' "$TC_DIR/hosts.ini")
NODE_USER=$(sed -n 's/^user = //p' "$TC_DIR/hosts.ini")
export HOME=$TEST_DIR/home XDG_CONFIG_HOME= XDG_STATE_HOME=
mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
cat >"$HOME/.ssh/config" <<EOF2
Host *.example.org
    User nobody
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
Match host nowhere
    User nobody
EOF2
KH=$HOME/.ssh/known_hosts
INI=$TEST_DIR/init.ini
fp() { ssh-keygen -lf "$TC_DIR/nodes/$1/ssh_host_ed25519_key.pub" | awk '{print $2}'; }
dialog=$REPO/tests/integration/pty_dialog.py

# --- pick both, yes to node1's key, no to node2's.
out=$("$dialog" 'Which hosts?' '1 2\r' 'Add it to' 'yes\r' 'Add it to' 'no\r' -- \
    "$HERD_BIN/herd" init -o "$INI")
rc=$?
echo "$out" >"$TEST_DIR/init.out"
[ "$rc" = 0 ] || fail "herd init exited $rc: $out"
grep -q ' 1) node1' <<<"$out" && grep -q ' 2) node2' <<<"$out" || fail "hosts not listed: $out"
grep -q 'example.org' <<<"$out" && fail "a wildcard Host was offered: $out"
grep -q "ssh-ed25519 $(fp node1)" <<<"$out" || fail "node1's fingerprint $(fp node1) not shown: $out"
grep -q "ssh-ed25519 $(fp node2)" <<<"$out" || fail "node2's fingerprint $(fp node2) not shown: $out"
assert_eq "known_hosts lines" 1 "$(wc -l <"$KH")"
grep -q "^\[127.0.0.11\]:$PORT ssh-ed25519 " "$KH" || fail "node1's key not added: $(cat "$KH")"
grep -q '^\[node node1\]$' "$INI" || fail "no node1 in $INI: $(cat "$INI")"
grep -q '^#\[node node2\]$' "$INI" || fail "node2 not commented out: $(cat "$INI")"
grep -q '^# node2 left out: its host key SHA256:.* was not accepted$' "$INI" ||
    fail "node2's reason: $(cat "$INI")"
grep -q "^identity = $TC_DIR/client_key$" "$INI" || fail "identity from ~/.ssh/config: $(cat "$INI")"
grep -q "^port = $PORT$" "$INI" || fail "port from ~/.ssh/config: $(cat "$INI")"
grep -Eq 'node1 +ok +auth ' <<<"$out" || fail "no doctor check of node1: $out"
chk=$("$HERD_BIN/herdd" -c "$INI" --check 2>&1) || fail "herdd --check: $chk"
grep -q "herdd -c $INI --daemon" <<<"$out" || fail "no herdd command printed: $out"
job=$(sed -n "s/^ *herd submit \(.*\)\r\?$/\1/p" <<<"$out" | tr -d '\r')
[ -n "$job" ] || fail "no test job printed: $out"

# --- herdd on the file runs the printed job, on node1.
sed -i "s|^\[controller\]$|[controller]\nstate_dir = $STATE\nsocket = $STATE/herd.sock|" "$INI"
start_herdd "$INI"
CONF=$INI wait_nodes_up 1 30 "$INI"
id=$(eval "CONF=$INI submit $job")
CONF=$INI wait_state "$id" COMPLETED 60
assert_eq "the job's node" node1 "$(CONF=$INI field "$id" .node)"

# --- a changed host key: node2's address with node1's key; refused, kept.
printf '[127.0.0.12]:%s %s\n' "$PORT" "$(cut -d' ' -f1-2 "$TC_DIR/nodes/node1/ssh_host_ed25519_key.pub")" >"$KH"
cp "$KH" "$TEST_DIR/kh.before"
out=$("$dialog" -- "$HERD_BIN/herd" init -o "$TEST_DIR/changed.ini" node2)
rc=$?
[ "$rc" = 1 ] || fail "changed key: exit $rc: $out"
grep -q 'HOST KEY CHANGED' <<<"$out" || fail "changed key not said: $out"
grep -q 'Add it to' <<<"$out" && fail "changed key: asked to add it: $out"
cmp -s "$KH" "$TEST_DIR/kh.before" || fail "known_hosts changed: $(cat "$KH")"
[ -e "$TEST_DIR/changed.ini" ] && fail "a file written with no node"

# --- an existing file is kept without --force.
out=$("$HERD_BIN/herd" init -o "$INI" node1 2>&1 </dev/null)
[ "$?" = 1 ] || fail "existing file: exit not 1: $out"
grep -q 'exists; herd init --force' <<<"$out" || fail "existing file: $out"
