#!/bin/bash
# t_init_tmp: herd init writes its file beside the output first (then
# links or renames it into place).  That first file must be its own new
# one: a name another user could guess and plant a symlink at (the output
# directory shared, as a lab's /srv/herd or /tmp) would have herd init
# truncate and overwrite the symlink's target with the runner's rights,
# and put the symlink in place as the output.  Here a symlink waits at
# "OUT.herd-init.PID" (the PID that exec keeps): the target is untouched,
# and the output is a plain file that reads back.

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
EOF2
# node1's key already known: no question to answer.
printf '[127.0.0.11]:%s %s\n' "$PORT" \
    "$(cut -d' ' -f1-2 "$TC_DIR/nodes/node1/ssh_host_ed25519_key.pub")" >"$HOME/.ssh/known_hosts"
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
