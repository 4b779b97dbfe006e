#!/bin/bash
# t_watch_partial: herd top's watch connection is never idle while it
# waits for events, but a watcher that starts a request and stalls in it
# is: its partial frame (here 1 MiB of an announced 4 MiB) holds its
# length of herdd's input reserve (SERVER_IN_TOTAL_MAX, all users'), so
# one kept forever by a few users' watchers would have herdd refuse
# everyone's requests.  It is dropped at the idle deadline (10 s) as any
# stalled partial request is (t_overload), with the log saying why.

. "$(dirname "$0")/lib.sh"

setup_herdd
SOCK=$STATE/herd.sock

cat >"$TEST_DIR/raw.py" <<'EOF2'
import socket, struct, sys, time

def frame(typ):
    parts = [typ.encode(), b"v", b"2"]    # the protocol version (protover.h)
    body = b"".join(struct.pack(">I", len(p)) + p for p in parts)
    return struct.pack(">I", len(body)) + body

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(frame("watch"))
head = s.recv(4)
body = s.recv(struct.unpack(">I", head)[0])
if b"watching" not in body:
    print("no watching answer:", body)
    sys.exit(1)
s.sendall(struct.pack(">I", 4 << 20) + b"\0" * (1 << 20))
s.settimeout(float(sys.argv[2]))
t0 = time.monotonic()
try:
    while s.recv(65536):
        pass
    print("closed after %.1f s" % (time.monotonic() - t0))
except socket.timeout:
    print("still open after %s s" % sys.argv[2])
EOF2

out=$(python3 "$TEST_DIR/raw.py" "$SOCK" 30) || fail "raw watch: $out"
case $out in
"closed after"*) note "watcher with a stalled 4 MiB request: $out" ;;
*) fail "a watcher's stalled partial request kept: $out" ;;
esac
grep -q 'no complete request in 10 s' "$HERDD_LOG" ||
    fail "no log line for the dropped watcher: $(tail -5 "$HERDD_LOG")"
herd queue >/dev/null || fail "herd queue after"
