#!/bin/bash
# t_protover: herdd runs only requests of its own protocol version
# (include/protover.h).  A raw client speaking as a herd of before protocol
# versions (no "v"), as a newer herd (v=3), or with a hostile "v" (not a
# number, huge) reads one error frame saying "herd and herdd differ: herd
# speaks protocol N, herdd 2; use the herd that came with this herdd" and
# then EOF; a submit of another version queues nothing; herdd stays up, and
# the current herd (and a raw request with v=2) keeps working, herd update
# (which reads every key of its request) included.
. "$(dirname "$0")/lib.sh"

setup_herdd
SOCK=$STATE/herd.sock

# raw.py SOCK TYPE V [KEY VAL...]: send one request (V "-": no "v"), print
# each answer frame as "type message" until herdd closes, then "EOF".
cat >"$TEST_DIR/raw.py" <<'PY'
import socket, struct, sys
path, typ, v, kv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if v != "-":
    kv += ["v", v]
parts = [x.encode("utf-8", "surrogateescape") for x in [typ] + kv]
body = b"".join(struct.pack(">I", len(p)) + p for p in parts)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(path)
s.sendall(struct.pack(">I", len(body)) + body)
buf = b""
def exact(n):
    global buf
    while len(buf) < n:
        c = s.recv(65536)
        if not c:
            return None
        buf += c
    out, buf = buf[:n], buf[n:]
    return out
while True:
    h = exact(4)
    if h is None:
        print("EOF")
        break
    b = exact(struct.unpack(">I", h)[0])
    f, off = [], 0
    while off < len(b):
        n = struct.unpack(">I", b[off:off + 4])[0]
        f.append(b[off + 4:off + 4 + n].decode())
        off += 4 + n
    d = dict(zip(f[1::2], f[2::2]))
    print(f[0], d.get("message", ""))
    if f[0] in ("ok", "end", "pong") or (f[0] != "error" and v == "2"):
        break
PY
raw() { python3 "$TEST_DIR/raw.py" "$SOCK" "$@"; }
REMEDY="use the herd that came with this herdd"

out=$(raw ping -) || fail "raw client failed: $out"
assert_eq "a request without a version (a herd of before versions)" "error herd and herdd differ: herd speaks protocol 1, herdd 2; $REMEDY
EOF" "$out"

out=$(raw ping 3) || fail "raw client failed: $out"
assert_eq "a request of protocol 3" "error herd and herdd differ: herd speaks protocol 3, herdd 2; $REMEDY
EOF" "$out"

for v in two 99999999999999999999999 "" 02 +2; do
	out=$(raw ping "$v") || fail "raw client failed: $out"
	assert_eq "a request with v='$v'" "error herd and herdd differ: herd speaks an unknown protocol, herdd 2; $REMEDY
EOF" "$out"
done

# Nothing of another version runs: a submit without "v" queues no job.
out=$(raw submit - script $'#!/bin/sh\ntrue\n' name oldherd cwd /tmp) || fail "raw submit: $out"
case $out in "error herd and herdd differ: herd speaks protocol 1,"*) ;;
*) fail "an old herd's submit was answered: $out" ;; esac
{ herd queue; herd history -a; } | grep -q oldherd && fail "an old herd's submit was queued"

# Our own version is served, and herdd is still up for the current herd.
out=$(raw ping 2) || fail "raw ping v=2: $out"
case $out in error*|EOF*) fail "a request of protocol 2 was refused: $out" ;; esac
alive "$HERDD_PID" || fail "herdd died"
id=$(submit -o "$TEST_DIR/out.txt" --wrap "echo hello") || fail "herd submit failed"
wait_state "$id" COMPLETED 30
assert_file_is "$TEST_DIR/out.txt" $'hello\n'
herd queue >/dev/null || fail "herd queue failed"
# update reads every key of its request: the version is not one of them.
held=$(submit -H --wrap "true")
herd update "$held" nice=5 || fail "herd update of a held job failed"
herd cancel "$held" >/dev/null || fail "herd cancel failed"
