#!/usr/bin/env python3
"""hclient.py: a raw client of herdd's socket, for the torture runs.

Speaks the frame format of src/proto.c: a frame is a 4-byte big-endian body
length and the body; the body is fields, each a 4-byte big-endian length and
its bytes; the first field is the message type, then key, value pairs.

    hclient.py SOCK idle N SECS        hold N idle connections for SECS (or
                                       until SIGTERM); prints "connected K
                                       failed F" (F: refused, backlog full)
    hclient.py SOCK partial N MB SECS  N connections, each sending a frame
                                       header announcing MB MiB and all but
                                       the last byte of the body; hold SECS
    hclient.py SOCK ping N             N pings one after the other; prints
                                       each latency in ms, one per line
    hclient.py SOCK pipeline N SECS TYPE [KEY VALUE]...
                                       N connections (a small receive
                                       buffer), each sending the frame over
                                       and over and never reading, for SECS
                                       (or until SIGTERM); prints "connected
                                       K", then at the end "open K": those
                                       herdd had not closed
    hclient.py SOCK slowread N SECS BYTES TYPE [KEY VALUE]...
                                       N connections, each sending the frame
                                       once, then reading BYTES of the answer
                                       a second (a slow reader, never idle),
                                       for SECS (or until SIGTERM); prints
                                       "connected K", then at the end "open K"
    hclient.py SOCK submit N PER WORKDIR
                                       N threads, each submitting PER jobs
                                       one after the other, a connection
                                       each as `herd submit` makes (8 GPUs,
                                       name raw-T-I, script `true`); prints
                                       "MS ok ID NAME" (or "MS error WHY")
                                       per submit: herdd's own latency under
                                       N concurrent submitters, without the
                                       cost of starting N processes
Every socket operation has a timeout so that nothing here hangs forever.
"""
import os
import resource
import signal
import socket
import struct
import sys
import threading
import time


# herd's protocol version (include/protover.h): every request carries it.
PROTO_VERSION = 2


def frame(typ, *kv, v=PROTO_VERSION):
    """A frame; a request carries "v" (v=None: none, as an answer or a
    herd of before protocol versions)."""
    body = b""
    if v is not None:
        kv = kv + ("v", str(v))
    for f in (typ,) + kv:
        f = f.encode() if isinstance(f, str) else f
        body += struct.pack(">I", len(f)) + f
    return struct.pack(">I", len(body)) + body


def recv_fields(s):
    """A whole frame's fields, as strings."""
    def exact(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                raise EOFError("herdd closed the connection")
            b += c
        return b
    body = exact(struct.unpack(">I", exact(4))[0])
    out, i = [], 0
    while i + 4 <= len(body):
        n = struct.unpack(">I", body[i:i + 4])[0]
        out.append(body[i + 4:i + 4 + n].decode(errors="replace"))
        i += 4 + n
    return out


def recv_frame(s):
    """A whole frame's type (its first field)."""
    return recv_fields(s)[0]


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(max(soft, n + 64), hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def connect(path, timeout):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def hold(secs):
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    end = time.time() + secs
    while not stop[0] and time.time() < end:
        time.sleep(0.2)


def idle(path, n, secs):
    raise_nofile(n)
    socks, failed = [], 0
    for _ in range(n):
        # Non-blocking: a full listen backlog (herdd not accepting) answers
        # EAGAIN at once instead of making connect wait; counted as failed.
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(path)
            socks.append(s)
        except OSError:
            s.close()
            failed += 1
    print("connected %d failed %d" % (len(socks), failed), flush=True)
    hold(secs)
    for s in socks:
        s.close()


def partial(path, n, mb, secs):
    size = mb << 20
    hdr = struct.pack(">I", size)
    chunk = b"\0" * (1 << 20)
    socks = []
    for _ in range(n):
        try:
            s = connect(path, 5)
            s.sendall(hdr)
            sent = 0
            while sent < size - 1:
                k = min(len(chunk), size - 1 - sent)
                s.sendall(chunk[:k])
                sent += k
            socks.append(s)
        except OSError as e:
            print("partial: %s" % e, file=sys.stderr, flush=True)
    print("sent %d" % len(socks), flush=True)
    hold(secs)
    for s in socks:
        s.close()


def ping(path, n):
    for _ in range(n):
        t0 = time.monotonic()
        try:
            s = connect(path, 10)
            s.sendall(frame("ping"))
            typ = recv_frame(s)
            s.close()
        except (OSError, EOFError) as e:
            print("ping: %s" % e, file=sys.stderr, flush=True)
            typ = "error"
        ms = (time.monotonic() - t0) * 1000
        print("%.1f %s" % (ms, typ), flush=True)


def pipeline(path, n, secs, req):
    raise_nofile(n)
    chunk = req * max(1, 65536 // len(req))
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        try:
            s.connect(path)
        except OSError:
            s.close()
            continue
        s.setblocking(False)
        socks.append([s, chunk])
    print("connected %d" % len(socks), flush=True)
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    end = time.time() + secs
    while not stop[0] and time.time() < end:
        for e in socks:
            if e[0] is None:
                continue
            try:
                k = e[0].send(e[1])
                # Whole frames only: what was not taken is sent next time.
                e[1] = e[1][k:] or chunk
            except BlockingIOError:
                pass
            except OSError:
                e[0].close()
                e[0] = None
                print("closed", flush=True)   # herdd closed it: a waiter counts these
        time.sleep(0.02)
    print("open %d" % sum(1 for e in socks if e[0] is not None), flush=True)
    for e in socks:
        if e[0] is not None:
            e[0].close()


def slowread(path, n, secs, rate, req):
    raise_nofile(n)
    socks = []
    for _ in range(n):
        try:
            s = connect(path, 5)
            s.sendall(req)
            s.setblocking(False)
            socks.append(s)
        except OSError:
            pass
    print("connected %d" % len(socks), flush=True)
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    end = time.time() + secs
    while not stop[0] and time.time() < end:
        for i, s in enumerate(socks):
            if s is None:
                continue
            try:
                if s.recv(rate) == b"":
                    s.close()
                    socks[i] = None
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                socks[i] = None
        time.sleep(1)
    print("open %d" % sum(1 for s in socks if s is not None), flush=True)
    for s in socks:
        if s is not None:
            s.close()


def submit(path, n, per, workdir):
    lock = threading.Lock()

    def one(t):
        for i in range(1, per + 1):
            name = "raw-%d-%d" % (t, i)
            t0 = time.monotonic()
            try:
                s = connect(path, 60)
                s.sendall(frame("submit", "name", name, "workdir", workdir,
                                "gpus", "8", "cpus", "1", "ntasks", "1",
                                "script", "#!/bin/sh\ntrue\n", "argv", "",
                                "env", ""))
                f = recv_fields(s)
                s.close()
                kv = dict(zip(f[1::2], f[2::2]))
                line = ("ok %s %s" % (kv.get("id", "?"), name) if f[0] == "ok"
                        else "error %s" % kv.get("message", f[0]).replace(" ", "_"))
            except (OSError, EOFError) as e:
                line = "error %s" % str(e).replace(" ", "_")
            ms = (time.monotonic() - t0) * 1000
            with lock:
                print("%.1f %s" % (ms, line), flush=True)

    raise_nofile(n)
    ts = [threading.Thread(target=one, args=(t,)) for t in range(1, n + 1)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def main(a):
    path, cmd = a[1], a[2]
    if cmd == "idle":
        idle(path, int(a[3]), float(a[4]))
    elif cmd == "partial":
        partial(path, int(a[3]), int(a[4]), float(a[5]))
    elif cmd == "ping":
        ping(path, int(a[3]))
    elif cmd == "pipeline":
        pipeline(path, int(a[3]), float(a[4]), frame(*a[5:]))
    elif cmd == "slowread":
        slowread(path, int(a[3]), float(a[4]), int(a[5]), frame(*a[6:]))
    elif cmd == "submit":
        submit(path, int(a[3]), int(a[4]), a[5])
    else:
        sys.exit("hclient.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main(sys.argv)
