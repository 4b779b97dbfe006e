#!/bin/bash
# t_init_lab: herd init --lab in a real pseudo-terminal against the test
# cluster: it asks for lab_from and the admins, asks for node1's unknown
# host key, and writes [controller] with mode = lab, state_dir, socket,
# lab_from and admins, which herdd --check reads as lab mode.  It prints
# the administrator's steps and the lab key line herd register writes
# (the lab key herdd made: from="ADDR",restrict,port-forwarding,
# permitopen="localhost:*",permitlisten="localhost:1" KEY herd-lab:herd) and
# each user's command.  Lab options without --lab are refused.  Then as
# README says to run it: as the service account (a real local user, whose
# HOME is its passwd home, so ssh -G reads its own ~/.ssh/config), with its
# probe key; the node's user is what ssh -G gives (the account itself) and
# the host key lands in the account's own known_hosts.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lablib.sh"

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
LABSTATE=$TEST_DIR/labstate
mkdir -p "$LABSTATE" && chmod 700 "$LABSTATE"
ssh-keygen -q -t ed25519 -N '' -C herd-lab -f "$LABSTATE/lab_key" || fail "ssh-keygen"
INI=$TEST_DIR/lab.ini
dialog=$REPO/tests/integration/pty_dialog.py

out=$("$dialog" 'lab_from' '127.0.0.1\r' 'Admins' 'alice, bob\r' 'Add it to' 'yes\r' -- \
    "$HERD_BIN/herd" init --lab --state-dir "$LABSTATE" --socket "$TEST_DIR/run/herd.sock" \
    -o "$INI" node1)
rc=$?
echo "$out" >"$TEST_DIR/init.out"
[ "$rc" = 0 ] || fail "herd init --lab exited $rc: $out"
for l in 'mode = lab' "state_dir = $LABSTATE" "socket = $TEST_DIR/run/herd.sock" \
    'lab_from = 127.0.0.1' 'admins = alice, bob' '[node node1]'; do
	grep -qxF "$l" "$INI" || fail "no line '$l' in $INI: $(cat "$INI")"
done
chk=$("$HERD_BIN/herdd" -c "$INI" --check 2>&1) || fail "herdd --check: $chk"
grep -q 'lab' <<<"$chk" || note "herdd --check: $chk"
key=$(cut -d' ' -f1-2 "$LABSTATE/lab_key.pub")
grep -qF "from=\"127.0.0.1\",restrict,port-forwarding,permitopen=\"localhost:*\",permitlisten=\"localhost:1\" $key herd-lab:herd" <<<"$out" ||
    fail "no lab key line: $out"
grep -q 'herd register --each-node' <<<"$out" || fail "no user command: $out"
grep -q "install -m 644 $INI /etc/herd/hosts.ini" <<<"$out" || fail "no admin steps: $out"

# --admin and --lab-from: nothing asked but the key (known now: not asked).
out=$("$dialog" -- "$HERD_BIN/herd" init --lab --lab-from 10.0.0.5 --admin carol \
    --state-dir "$LABSTATE" --socket "$TEST_DIR/run/herd.sock" -o "$INI.2" node1)
[ "$?" = 0 ] || fail "herd init --lab with options: $out"
grep -qx 'admins = carol' "$INI.2" && grep -qx 'lab_from = 10.0.0.5' "$INI.2" ||
    fail "options not written: $(cat "$INI.2")"
grep -q 'Admins' <<<"$out" && fail "asked for admins given by --admin: $out"

out=$("$HERD_BIN/herd" init --admin carol -o "$INI.3" node1 2>&1 </dev/null)
[ "$?" = 2 ] || fail "--admin without --lab: not a usage error: $out"
grep -q 'add --lab' <<<"$out" || fail "--admin without --lab: $out"

# --- as the service account, through its own ~/.ssh/config.
SH=$SD/home/$SVC
printf 'Host node1\n    HostName 127.0.0.11\n    Port %s\n    IdentityFile %s\n' "$PORT" \
    "$SD/svc/probe_key" >"$SH/.ssh/config"
chown "$SVC" "$SH/.ssh/config"
out=$(cd "$SH" && "$dialog" 'Add it to' 'yes\r' -- runuser -u "$SVC" -- env HOME="$SH" \
    ASAN_OPTIONS=log_path="$SD/san/herd" UBSAN_OPTIONS=log_path="$SD/san/herd" \
    "$SD/bin/herd" init --lab --lab-from 127.0.0.1 --admin alice --state-dir "$SD/state" \
    --socket "$SD/run/herd.sock" -o "$SD/svc/lab.ini" node1)
rc=$?
echo "$out" >"$TEST_DIR/svc.out"
[ "$rc" = 0 ] || fail "herd init --lab as $SVC exited $rc: $out"
grep -qx "user = $SVC" "$SD/svc/lab.ini" || fail "node user not ssh -G's: $(cat "$SD/svc/lab.ini")"
grep -qx "identity = $SD/svc/probe_key" "$SD/svc/lab.ini" || fail "probe key: $(cat "$SD/svc/lab.ini")"
grep -q "^\[127.0.0.11\]:$PORT ssh-ed25519 " "$SH/.ssh/known_hosts" ||
    fail "node1's key not in $SVC's known_hosts"
grep -Eq "node1 +ok +auth +as $SVC with $SD/svc/probe_key" <<<"$out" || fail "no login as $SVC: $out"
chk=$(runuser -u "$SVC" -- env HOME="$SH" "$SD/bin/herdd.real" -c "$SD/svc/lab.ini" --check 2>&1) ||
    fail "herdd --check as $SVC: $chk"
lab_check_san
