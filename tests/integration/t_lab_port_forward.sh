#!/bin/bash
# t_lab_port_forward: herd port-forward in lab mode.
#  1. User B's herd port-forward to A's running job is refused at once
#     (status 1), naming A; nothing reached A's server.
#  2. A's own forward passes herdd's checks and goes through her lab
#     login; the lab key's line says restrict (no port forwarding), so her
#     node's sshd refuses the channel: her curl gets a closed connection
#     and herd port-forward says why, and goes on (a later key line with
#     port-forwarding would make this a page).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hpa${UNIQ:0:10} B=hpb${UNIQ:0:10}
for u in "$A" "$B"; do mkuser "$u"; done
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done
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
out=$(curl -sS --max-time 20 "http://127.0.0.1:$L/p.txt" 2>&1) &&
    fail "$A's page came through a lab key that says restrict: $out"
for ((i = 0; i < 100; i++)); do
	grep -q "its sshd refused to forward to port $P" "$TEST_DIR/fa.err" && break
	sleep 0.1
done
grep -q "its sshd refused to forward to port $P" "$TEST_DIR/fa.err" ||
    fail "$A's herd port-forward's message: $(cat "$TEST_DIR/fa.err")"
kill -0 "$FA" 2>/dev/null || fail "$A's herd port-forward ended after a refused connection"
as "$A" cancel "$j" >/dev/null
lab_check_san
