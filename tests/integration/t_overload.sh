#!/bin/bash
# t_overload: hostile input and overload on herdd's socket, spoken raw (the
# client would refuse some of it first).  Out-of-range numbers and strings
# a node's execve() would refuse are answered with an error naming the
# field and change nothing; 600 idle connections do not lock `herd queue`
# out; a burst of 250 connects waits in the backlog, none refused; a stalled partial request is dropped within the idle deadline;
# frames announcing 48 MiB are refused when their length arrives, so eight
# of them do not grow herdd's memory; and the log says why each went.

. "$(dirname "$0")/lib.sh"

setup_herdd
SOCK=$STATE/herd.sock

# The frame codec of src/proto.c, and the scenarios, in one helper.
cat >"$TEST_DIR/raw.py" <<'EOF'
import os, socket, struct, sys, time

def frame(typ, fields):
    fields = list(fields) + ["v", 2]    # the protocol version (protover.h)
    parts = [typ.encode()] + [x if isinstance(x, bytes) else str(x).encode() for x in fields]
    body = b"".join(struct.pack(">I", len(p)) + p for p in parts)
    return struct.pack(">I", len(body)) + body

def read_frame(s):
    def exact(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                raise EOFError("closed")
            b += c
        return b
    body = exact(struct.unpack(">I", exact(4))[0])
    out, off = [], 0
    while off < len(body):
        n = struct.unpack(">I", body[off:off + 4])[0]
        out.append(body[off + 4:off + 4 + n])
        off += 4 + n
    return out[0].decode(), dict(zip(out[1::2], out[2::2]))

def connect(path, timeout=10):
    # A full listen backlog answers EAGAIN at once: retry until the timeout.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    end = time.monotonic() + timeout
    while True:
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            if time.monotonic() > end:
                s.close()
                raise
            time.sleep(0.01)

def request(path, typ, fields):
    s = connect(path)
    s.sendall(frame(typ, fields))
    t, kv = read_frame(s)
    s.close()
    return t, kv.get(b"message", kv.get(b"id", b"")).decode(errors="replace")

def submit_fields(workdir, **over):
    f = {"name": "raw", "workdir": workdir, "gpus": "0", "cpus": "1", "mem_mb": "0",
         "time_limit": "0", "script": "#!/bin/sh\ntrue\n", "argv": b"", "env": b""}
    f.update(over)
    out = []
    for k, v in f.items():
        out += [k, v]
    return out

def vmhwm(pid):
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

cmd, path = sys.argv[1], sys.argv[2]
if cmd == "submit":            # submit KEY=VALUE...: print the answer type and text
    over = dict(a.split("=", 1) for a in sys.argv[4:])
    t, text = request(path, "submit", submit_fields(sys.argv[3], **over))
    print(t, text)
elif cmd == "submit-big":      # a 200 KiB argument ($2), or a 200 KiB variable BIG
    big = b"x" * (200 * 1024)
    if sys.argv[4] == "arg":
        over = {"argv": b"small\0" + big + b"\0"}
    else:
        over = {"env": b"HOME=/h\0BIG=" + big + b"\0"}
    t, text = request(path, "submit", submit_fields(sys.argv[3], **over))
    print(t, text)
elif cmd == "cancel":          # cancel ID...
    print(*request(path, "cancel", sum((["id", i] for i in sys.argv[3:]), [])))
elif cmd == "idle":            # idle N SECONDS: hold N connections open, say how many
    socks = []
    for i in range(int(sys.argv[3])):
        try:
            socks.append(connect(path, 2))
        except OSError:
            pass
    print(len(socks), flush=True)
    time.sleep(float(sys.argv[4]))
elif cmd == "burst":           # burst N: N connects at once, none retried; say how many took
    socks, refused = [], 0
    for i in range(int(sys.argv[3])):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect(path)
            socks.append(s)
        except BlockingIOError:
            refused += 1
            s.close()
    print(len(socks), refused, flush=True)
    for s in socks:
        s.close()
elif cmd == "partial":         # partial SECONDS: a 4 MiB request, 1 MiB of it sent
    s = connect(path, float(sys.argv[3]))
    s.sendall(struct.pack(">I", 4 << 20) + b"\0" * (1 << 20))
    t0 = time.monotonic()
    try:
        while s.recv(65536):
            pass
        print("closed after %.1f s" % (time.monotonic() - t0))
    except socket.timeout:
        print("still open after %s s" % sys.argv[3])
elif cmd == "steady":          # steady SECONDS: pings in batches of 50 on one connection
    s = connect(path, 5)
    end, n = time.monotonic() + float(sys.argv[3]), 0
    try:
        while time.monotonic() < end:
            s.sendall(frame("ping", []) * 50)
            for i in range(50):
                read_frame(s)
            n += 50
            time.sleep(0.05)
        print("open after", n)
    except (OSError, EOFError) as e:
        print("closed after", n, e)
elif cmd == "huge":            # huge PID: 8 clients each sending a 48 MiB frame
    before = vmhwm(sys.argv[3])
    socks, refused = [], 0
    for i in range(8):
        s = connect(path, 5)
        socks.append(s)
        try:
            s.sendall(struct.pack(">I", 48 << 20))
            for k in range(24):            # 24 MiB of it, if herdd takes them
                s.sendall(b"\0" * (1 << 20))
        except OSError:
            pass
    for s in socks:
        try:
            t, kv = read_frame(s)
            if t == "error" and b"too large" in kv.get(b"message", b""):
                refused += 1
        except (OSError, EOFError):
            pass
    print(refused, (vmhwm(sys.argv[3]) - before) // 1024)
EOF
raw() {
	python3 "$TEST_DIR/raw.py" "$@"
}

assert_empty() {
	assert_eq "herd queue --json after $1" "[]" "$(herd queue --json | jq -c .)"
	assert_eq "herd history --all --json after $1" "[]" "$(herd history --all --json | jq -c .)"
}

# 1. Numbers: refused with the field and the value, never taken as another.
for kv in gpus=99999999999999999999 gpus=4294967297 cpus=4294967297 cpus=abc \
    gpus=-1 cpus=0 gpus=+1 'cpus= 1' mem_mb=1e3 time_limit=0x10 ntasks=-0 gpus= \
    umask=512 umask=-1 umask=0x1ff umask=077a; do
	key=${kv%%=*} val=${kv#*=}
	out=$(raw submit "$SOCK" "$WORK" "$kv") || fail "raw submit $kv: no answer"
	case $out in
	"error $key: \"$val\" is not a number from "*) ;;
	*) fail "submit with $kv: expected an error naming $key and \"$val\", got: $out" ;;
	esac
done
# --signal is checked by herdd too, never trusted from the client.
out=$(raw submit "$SOCK" "$WORK" 'signal=USR1;reboot')
case $out in
'error invalid --signal "USR1;reboot": unknown signal "USR1;reboot"'*) ;;
*) fail "submit with signal=USR1;reboot: expected it refused, got: $out" ;;
esac
assert_empty "submits with bad numbers"
out=$(raw cancel "$SOCK" 1 abc)
case $out in
'error id: "abc" is not a number'*) ;;
*) fail "cancel of id abc: expected an error naming it, got: $out" ;;
esac
# The same request with good numbers is taken (so the refusals are the numbers').
out=$(raw submit "$SOCK" "$WORK" gpus=1 cpus=2 mem_mb=10 time_limit=60 umask=63 \
    signal=sigusr1@5)
case $out in
"ok "[0-9]*) id=${out#ok } ;;
*) fail "raw submit with good numbers: expected ok ID, got: $out" ;;
esac
assert_eq "umask and --signal of $id, as herdd stores them" "0077 USR1@5" \
    "$(field "$id" '"\(.umask) \(.warn_signal)"')"
wait_jobs 60 "$id" || fail "raw-submitted job $id did not complete"
assert_eq "GPUs of the raw job" 1 "$(field "$id" .ngpus)"
assert_eq "CPUs of the raw job" 2 "$(field "$id" .cpus)"

# 2. What the node's execve() refuses (E2BIG) is refused at submit.
before=$(herd history --all --json | jq length)
out=$(raw submit-big "$SOCK" "$WORK" arg)
case $out in
"error argument 2 is 204800 bytes"*) ;;
*) fail "200 KiB argument: expected a refusal naming argument 2, got: $out" ;;
esac
out=$(raw submit-big "$SOCK" "$WORK" env)
case $out in
"error environment variable BIG is 204804 bytes"*) ;;
*) fail "200 KiB variable: expected a refusal naming BIG, got: $out" ;;
esac
assert_eq "herd queue --json after the oversized submits" "[]" "$(herd queue --json | jq -c .)"
assert_eq "jobs in the history after the oversized submits" "$before" \
    "$(herd history --all --json | jq length)"

# 3. 600 idle connections (herdd once stopped accepting at 512, and every
# later client waited forever) do not lock herd queue out.
raw idle "$SOCK" 600 40 >"$TEST_DIR/idle.out" &
idle_pid=$!
at_exit "kill $idle_pid 2>/dev/null"
for ((i = 0; i < 300; i++)); do
	[ -s "$TEST_DIR/idle.out" ] && break
	sleep 0.1
done
note "idle connections opened: $(cat "$TEST_DIR/idle.out")"
timeout 30 "$HERD_BIN/herd" -c "$HOSTS" queue >/dev/null ||
    fail "herd queue did not answer (exit $?) with 600 idle connections open"
grep -q "closed the longest idle one" "$HERDD_LOG" ||
    fail "the log does not say that idle connections were closed for new ones"

# 3b. A burst of 250 clients connecting while herdd is busy elsewhere
# (stopped here) waits in the listen backlog instead of being refused with
# EAGAIN at once, as it was with a backlog of 128 (a raw client's
# non-blocking connect; herd's own blocking one waits either way).
kill -STOP "$HERDD_PID"
out=$(raw burst "$SOCK" 250)
kill -CONT "$HERDD_PID"
assert_eq "connections taken / refused with EAGAIN in a burst of 250" "250 0" "$out"
timeout 30 "$HERD_BIN/herd" -c "$HOSTS" queue >/dev/null ||
    fail "herd queue did not answer after the burst"

# 4. A stalled partial request is dropped at the idle deadline (10 s), and
# the log says so.
out=$(raw partial "$SOCK" 40)
case $out in
"closed after"*) note "partial 4 MiB request: $out" ;;
*) fail "a client stalled in a 4 MiB request: $out" ;;
esac
grep -q "no complete request in" "$HERDD_LOG" ||
    fail "the log does not say why the stalled client was dropped"
kill "$idle_pid" 2>/dev/null
wait "$idle_pid" 2>/dev/null

# 4b. A client that keeps sending requests is never idle, even when each
# answer is out before herdd looks (a pipelining client, longer than the
# 10 s deadline).
out=$(raw steady "$SOCK" 12)
case $out in
"open after"*) note "steady client: $out" ;;
*) fail "a client sending requests for 12 s was dropped: $out" ;;
esac

# 5. Frames announcing 48 MiB are refused at once; memory stays bounded.
read -r refused grew < <(raw huge "$SOCK" "$HERDD_PID")
note "48 MiB frames refused: $refused of 8; herdd's peak memory grew by ${grew} MiB"
assert_eq "48 MiB requests answered 'request too large'" 8 "$refused"
[ "$grew" -lt 64 ] || fail "herdd's peak memory grew by ${grew} MiB for 8 refused requests"
grep -q "request of 50331648 bytes refused" "$HERDD_LOG" ||
    fail "the log does not say why the 48 MiB requests were refused"

# Still serving, and nothing was queued by any of it.
herd queue >/dev/null || fail "herd queue failed at the end"
assert_idle
