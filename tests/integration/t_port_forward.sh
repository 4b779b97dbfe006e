#!/bin/bash
# t_port_forward: herd port-forward ID [LOCALPORT:]REMOTEPORT reaches a
# server inside a running job on its node's loopback, through herdd.
#  1. A job runs python3 -m http.server P bound to the node's 127.0.0.1;
#     curl through the forward gets several pages, four at once, and a
#     5 MB file byte-exact; a client that half-closes after its request
#     still gets the answer; a server that closes first ends what its
#     client reads (its half-close passed on).
#  2. A forward to a port nothing listens on (Q): the connecting curl gets
#     a closed connection and herd port-forward says why; it goes on
#     serving: once the job starts a server on Q, curl gets its page.
#  3. Ctrl-C stops a forward (status 0); the job is untouched.
#  4. The job ending ends the forward with a message (status 1).
#  5. Refusals: port 0, 65536, "a:b", a job that is not running.
. "$(dirname "$0")/lib.sh"

setup_herdd

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
P=$(free_port) Q=$(free_port) R=$(free_port)
[ "$P" != "$Q" ] || Q=$((P + 1))
[ "$R" != "$P" ] && [ "$R" != "$Q" ] || R=$((Q + 1))
# A server that says its line and closes, never reading: its close is
# all that ends what its client reads.
cat >"$WORK/banner.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
while True:
    c, _ = s.accept()
    c.sendall(b"bye from the node\n")
    c.close()
PY
mkdir -p "$WORK/www"
head -c 5000000 /dev/urandom >"$WORK/www/big"
echo "hello $UNIQ" >"$WORK/www/index.txt"
j=$(submit -D "$WORK/www" --wrap "python3 -m http.server $P --bind 127.0.0.1 >/dev/null 2>&1 &
python3 '$WORK/banner.py' $R >/dev/null 2>&1 &
while [ ! -e '$WORK/go' ]; do sleep 0.2; done
python3 -m http.server $Q --bind 127.0.0.1 >/dev/null 2>&1 &
wait # $UNIQ")
wait_state "$j" RUNNING 30

# forward NAME ARGS...: herd port-forward in the background; sets the
# local port it printed in FWD_PORT and its pid in FWD_PID.
forward() {
	local name=$1 i
	shift
	# Not the herd function: $! must be herd itself, for Ctrl-C's SIGINT.
	"$HERD_BIN/herd" -c "$HOSTS" port-forward "$@" >"$TEST_DIR/$name.out" \
	    2>"$TEST_DIR/$name.err" &
	FWD_PID=$!
	at_exit "kill $FWD_PID 2>/dev/null"
	for ((i = 0; i < 300; i++)); do
		FWD_PORT=$(sed -n 's/^herd: forwarding 127\.0\.0\.1:\([0-9]*\) to job .*/\1/p' "$TEST_DIR/$name.out")
		[ -n "$FWD_PORT" ] && return 0
		kill -0 "$FWD_PID" 2>/dev/null || fail "herd port-forward $*: $(cat "$TEST_DIR/$name.err")"
		sleep 0.1
	done
	fail "herd port-forward $* printed no port: $(cat "$TEST_DIR/$name.out" "$TEST_DIR/$name.err")"
}

# ---- 1. pages through the forward ----
forward f1 "$j" "$P"
L=$FWD_PORT F1=$FWD_PID
grep -q "to job $j on [^ ]* port $P; Ctrl-C to stop" "$TEST_DIR/f1.out" ||
    fail "the forward's line: $(cat "$TEST_DIR/f1.out")"
for ((i = 0; i < 100; i++)); do	# the server may still be starting
	out=$(curl -sS --max-time 10 "http://127.0.0.1:$L/index.txt" 2>/dev/null) && break
	sleep 0.2
done
assert_eq "a page through herd port-forward" "hello $UNIQ" "$out"
for i in 1 2 3; do
	out=$(curl -sS --max-time 20 "http://127.0.0.1:$L/index.txt" 2>&1)
	assert_eq "page $i through herd port-forward" "hello $UNIQ" "$out"
done
for i in 1 2 3 4; do
	curl -sS --max-time 60 -o "$TEST_DIR/par$i" "http://127.0.0.1:$L/big" 2>"$TEST_DIR/par$i.err" &
	pids[i]=$!
done
for i in 1 2 3 4; do
	wait "${pids[i]}" || fail "parallel curl $i: $(cat "$TEST_DIR/par$i.err")"
	cmp -s "$WORK/www/big" "$TEST_DIR/par$i" || fail "parallel download $i differs from the 5 MB file"
done
curl -sS --max-time 60 -o "$TEST_DIR/big" "http://127.0.0.1:$L/big" || fail "curl of the 5 MB file"
cmp "$WORK/www/big" "$TEST_DIR/big" || fail "the 5 MB file through the forward differs"
# A half-close passed on: the request, then our end's EOF; the answer still comes.
out=$(timeout 30 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /index.txt HTTP/1.0\r\n\r\n")
s.shutdown(socket.SHUT_WR)
d = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    d += b
print(d.split(b"\r\n\r\n", 1)[1].decode().strip())' "$L" 2>&1)
assert_eq "a page after the client's half-close" "hello $UNIQ" "$out"
# The other way: the node's end closes first; the client, reading until
# its EOF without sending a byte, gets the line and the end.
forward f3 "$j" "$R"
out=$(timeout 30 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
d = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    d += b
print(d.decode().strip())' "$FWD_PORT" 2>&1)
assert_eq "a line, then the end, from a server that closes first" "bye from the node" "$out"
kill "$FWD_PID"

# ---- 2. nothing listens on Q: a closed connection, a message, still serving ----
forward f2 "$j" "0:$Q"
L2=$FWD_PORT
out=$(curl -sS --max-time 20 "http://127.0.0.1:$L2/index.txt" 2>&1)
rc=$?
[ "$rc" = 0 ] && fail "curl through a forward to port $Q where nothing listens got: $out"
case $out in
*"timed out"*) fail "curl to a port nothing listens on was left waiting: $out" ;;
esac
for ((i = 0; i < 100; i++)); do
	grep -q "node[^ ]*: nothing listens on its port $Q (connection refused)" "$TEST_DIR/f2.err" && break
	sleep 0.1
done
grep -q "node[^ ]*: nothing listens on its port $Q (connection refused)" "$TEST_DIR/f2.err" ||
    fail "herd port-forward's message for port $Q: $(cat "$TEST_DIR/f2.err")"
kill -0 "$FWD_PID" 2>/dev/null || fail "herd port-forward ended after a refused connection"
touch "$WORK/go"
for ((i = 0; i < 100; i++)); do
	out=$(curl -sS --max-time 10 "http://127.0.0.1:$L2/index.txt" 2>/dev/null) && break
	sleep 0.2
done
assert_eq "a page through the same forward once a server listens on $Q" "hello $UNIQ" "$out"

# ---- 3. Ctrl-C stops it, the job goes on ----
kill -INT "$FWD_PID"
wait "$FWD_PID"
assert_eq "herd port-forward's status after Ctrl-C" 0 "$?"
assert_eq "job $j after a forward stopped" RUNNING "$(field "$j" .state)"
curl -sS --max-time 5 "http://127.0.0.1:$L2/index.txt" >/dev/null 2>&1 &&
    fail "port $L2 still forwards after Ctrl-C"

# ---- herdd's own checks, past herd's: raw "stream" requests ----
# first.py TYPE [KEY VAL...]: one request (protocol 2), its first answer
# frame as "type message-or-node".
cat >"$TEST_DIR/first.py" <<'PY'
import socket, struct, sys
parts = [x.encode("utf-8", "surrogateescape") for x in sys.argv[2:] + ["v", "2"]]
body = b"".join(struct.pack(">I", len(p)) + p for p in parts)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(struct.pack(">I", len(body)) + body)
buf = b""
while len(buf) < 4 or len(buf) < 4 + struct.unpack(">I", buf[:4])[0]:
    c = s.recv(65536)
    if not c:
        print("EOF")
        sys.exit(0)
    buf += c
b, f, off = buf[4:4 + struct.unpack(">I", buf[:4])[0]], [], 0
while off < len(b):
    n = struct.unpack(">I", b[off:off + 4])[0]
    f.append(b[off + 4:off + 4 + n].decode())
    off += 4 + n
d = dict(zip(f[1::2], f[2::2]))
print(f[0], d.get("message", d.get("node", "")))
PY
first() { python3 "$TEST_DIR/first.py" "$STATE/herd.sock" "$@"; }
for bad in 0 65536 -1 a:b "" 99999999999999999999 08080 " 80"; do
	out=$(first stream id "$j" forward "$bad")
	case $out in
	"error forward: \""*"\" is not a number from 1 to 65535") ;;
	*) fail "a stream request with forward '$bad': $out" ;;
	esac
done
out=$(first stream id "$j" forward "$P" argv sh)
assert_eq "a forward with a program" 'error stream: a port forward carries no program, terminal or release' "$out"
out=$(first stream id "$j" forward "$P" check 2)
assert_eq "check 2" 'error check: "2" is not a number from 0 to 1' "$out"
out=$(first stream id "$j" check 1)
assert_eq "check without forward" 'error stream: "check" goes with "forward" only' "$out"
node=$(field "$j" .node)
out=$(first stream id "$j" forward "$P" check 1)
assert_eq "a forward's check alone" "stream $node" "$out"
alive "$(head -1 "$TEST_DIR/herdd.pids")" || fail "herdd died on hostile stream requests"

# ---- 4. the job ending ends the forward ----
herd cancel "$j" >/dev/null
for ((i = 0; i < 300; i++)); do
	kill -0 "$F1" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$F1" 2>/dev/null && fail "herd port-forward still running 30 s after job $j ended"
wait "$F1"
assert_eq "herd port-forward's status when its job ended" 1 "$?"
grep -q "the forward to job $j stopped" "$TEST_DIR/f1.err" ||
    fail "herd port-forward's message when the job ended: $(cat "$TEST_DIR/f1.err")"

# ---- 5. refusals ----
for bad in 0 65536 a:b 99999999999999999999 ""; do
	herd port-forward "$j" "$bad" >/dev/null 2>"$TEST_DIR/err"
	assert_eq "herd port-forward $j '$bad'" 2 "$?"
done
herd port-forward "$j" "$P" >/dev/null 2>"$TEST_DIR/err"
assert_eq "herd port-forward into ended job $j" 1 "$?"
grep -q "job $j" "$TEST_DIR/err" || fail "the refusal for ended job $j: $(cat "$TEST_DIR/err")"
