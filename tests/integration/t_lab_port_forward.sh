#!/bin/bash
# t_lab_port_forward: herd port-forward in lab mode.
#  1. User B's herd port-forward to A's running job is refused at once
#     (status 1), naming A; nothing reached A's server.
#  2. A's own forward passes herdd's checks and goes through her lab
#     login, whose key line (herd register's) lets sshd open direct-tcpip
#     to the node's localhost: her curl gets her page.
#  3. What else the lab key may do, asked of the nodes' sshd with the real
#     OpenSSH client and the lab key itself: a channel to localhost opens
#     (the check has teeth), one to any other host, or to the node's
#     127.0.0.1 by address, is administratively prohibited, and a remote
#     forward (-R) is refused.  (herd's own request names no host: herdd
#     always asks for localhost.)
#  4. B's line as an older herd wrote it (restrict alone): his own job
#     runs, his forward is refused by sshd and herd port-forward says to
#     run herd register again.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hpa${UNIQ:0:10} B=hpb${UNIQ:0:10}
lab_with_users "$A" "$B"
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
j=$(as "$A" submit --parsable --wrap "exec python3 -m http.server $P --bind 127.0.0.1 >log 2>&1 # $UNIQ") ||
    fail "$A: submit: $j"
CONF=$LAB wait_state "$j" RUNNING 30

out=$(as "$B" port-forward "$j" "$P" 2>&1 </dev/null)
rc=$?
assert_eq "$B's herd port-forward to $A's job" 1 "$rc"
grep -q "job $j is not yours: it belongs to $A" <<<"$out" || fail "$B's refusal: $out"
grep -q "may forward a port to it" <<<"$out" || fail "$B's refusal's reason: $out"
grep -q forwarding <<<"$out" && fail "$B got a forward: $out"
sleep 1
grep -q "GET" "$SD/home/$A/log" 2>/dev/null && fail "A's server was reached: $(cat "$SD/home/$A/log")"

as "$A" port-forward "$j" "$P" >"$TEST_DIR/fa.out" 2>"$TEST_DIR/fa.err" </dev/null &
FA=$!
at_exit "kill $FA 2>/dev/null"
for ((i = 0; i < 100; i++)); do
	L=$(sed -n 's/^herd: forwarding 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TEST_DIR/fa.out")
	[ -n "$L" ] && break
	sleep 0.1
done
[ -n "$L" ] || fail "$A's herd port-forward: $(cat "$TEST_DIR/fa.out" "$TEST_DIR/fa.err")"
echo "page of $A" >"$SD/home/$A/p.txt"
out=$(curl -sS --max-time 20 "http://127.0.0.1:$L/p.txt" 2>&1) ||
    fail "$A's page did not come through her forward: $out $(cat "$TEST_DIR/fa.err")"
assert_eq "$A's page through herd port-forward" "page of $A" "$out"
grep -q "GET /p.txt" "$SD/home/$A/log" || fail "A's server has no request: $(cat "$SD/home/$A/log")"
kill "$FA" 2>/dev/null
wait "$FA" 2>/dev/null

# ---- 3. the lab key with OpenSSH: localhost only, no -R ----
lssh() {
	ssh -F /dev/null -i "$SD/state/lab_key" -o IdentitiesOnly=yes -o BatchMode=yes \
	    -o UserKnownHostsFile="$TC_DIR/known_hosts" -o StrictHostKeyChecking=yes \
	    -o ConnectTimeout=10 -p "$PORT" "$@"
}
node=$(CONF=$LAB herd queue --json | jq -r ".[] | select(.id == $j) | .node")
host=$(sed -n "/^\[node $node\]/,/^\[/s/^host = //p" "$LAB")
[ -n "$host" ] || fail "no host for job $j's node '$node'"
out=$(printf 'GET /p.txt HTTP/1.0\r\n\r\n' | lssh -W "localhost:$P" "$A@$host" 2>&1)
grep -q "page of $A" <<<"$out" || fail "ssh -W localhost:$P with the lab key: $out"
for t in "127.0.0.1:$P" "127.0.0.12:$P" "$host:$PORT" "example.com:80"; do
	out=$(lssh -W "$t" "$A@$host" </dev/null 2>&1) && fail "ssh -W $t with the lab key: $out"
	grep -q "administratively prohibited" <<<"$out" || fail "ssh -W $t: not sshd's refusal: $out"
done
R=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for spec in "$R:localhost:$P" "127.0.0.1:$R:localhost:$P" "0:localhost:$P" "1:localhost:$P"; do
	out=$(timeout 20 ssh -F /dev/null -i "$SD/state/lab_key" -o IdentitiesOnly=yes \
	    -o BatchMode=yes -o UserKnownHostsFile="$TC_DIR/known_hosts" \
	    -o ExitOnForwardFailure=yes -p "$PORT" -R "$spec" "$A@$host" true </dev/null 2>&1) &&
	    fail "ssh -R $spec with the lab key was allowed: $out"
	grep -q "remote port forwarding failed" <<<"$out" || fail "ssh -R $spec: not sshd's refusal: $out"
done
as "$A" cancel "$j" >/dev/null

# ---- 4. an old line: jobs run, the forward says to register again ----
sed -i 's|^\(from="127.0.0.1",restrict\),port-forwarding,[^ ]* |\1 |' "$SD/home/$B/.ssh/authorized_keys"
grep -q '^from="127.0.0.1",restrict ssh-ed25519 .* herd-lab:test$' "$SD/home/$B/.ssh/authorized_keys" ||
    fail "B's line not made old: $(cat "$SD/home/$B/.ssh/authorized_keys")"
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
jb=$(as "$B" submit --parsable --wrap "exec python3 -m http.server $P --bind 127.0.0.1 >log 2>&1 # $UNIQ") ||
    fail "$B: submit: $jb"
CONF=$LAB wait_state "$jb" RUNNING 30
as "$B" port-forward "$jb" "$P" >"$TEST_DIR/fb.out" 2>"$TEST_DIR/fb.err" </dev/null &
FB=$!
at_exit "kill $FB 2>/dev/null"
for ((i = 0; i < 100; i++)); do
	L=$(sed -n 's/^herd: forwarding 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TEST_DIR/fb.out")
	[ -n "$L" ] && break
	sleep 0.1
done
[ -n "$L" ] || fail "$B's herd port-forward: $(cat "$TEST_DIR/fb.out" "$TEST_DIR/fb.err")"
out=$(curl -sS --max-time 20 "http://127.0.0.1:$L/" 2>&1) &&
    fail "$B's page came through an old key line: $out"
for ((i = 0; i < 100; i++)); do
	grep -q "run herd register again" "$TEST_DIR/fb.err" && break
	sleep 0.1
done
grep -q "its sshd refused to forward to port $P.*run herd register again" "$TEST_DIR/fb.err" ||
    fail "$B's herd port-forward does not say to register again: $(cat "$TEST_DIR/fb.err")"
as "$B" cancel "$jb" >/dev/null
lab_check_san
