#!/usr/bin/env python3
"""pty_dialog.py [PATTERN KEYS]... -- CMD [ARGS...]: run CMD on a new 80x24
pseudo-terminal and answer it as a person would: for each PATTERN in turn,
wait (30 s at most) until it appears in what CMD wrote after the previous
answer, then type KEYS (Python escapes: '\\r' is Enter).  Then wait (60 s at
most) for CMD to exit.  Writes what CMD wrote to stdout, byte for byte, and
exits with CMD's status, 124 if it did not end, or 125 if a PATTERN never
appeared (the last line then says which)."""
import fcntl, os, pty, select, signal, struct, sys, termios, time

sep = sys.argv.index("--")
steps = sys.argv[1:sep]
argv = sys.argv[sep + 1:]
steps = [(steps[i].encode(), steps[i + 1].encode().decode("unicode_escape").encode("latin-1"))
         for i in range(0, len(steps), 2)]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
out = bytearray()
mark = 0                # answers look for their pattern after this offset
status = None
missed = None
deadline = time.monotonic() + 30
while True:
    if steps and out.find(steps[0][0], mark) >= 0:
        mark = out.find(steps[0][0], mark) + len(steps[0][0])
        os.write(fd, steps[0][1])
        steps.pop(0)
        deadline = time.monotonic() + (30 if steps else 60)
    left = deadline - time.monotonic()
    if left <= 0:
        if steps:
            missed = steps[0][0]
        break
    r, _, _ = select.select([fd], [], [], min(left, 0.2))
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if chunk:
            out += chunk
            continue
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        if steps:
            missed = steps[0][0]
        break
sys.stdout.buffer.write(bytes(out))
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
if missed is not None:
    sys.stdout.write("\npty_dialog: never saw %r\n" % missed.decode("latin-1"))
    sys.exit(125)
sys.exit(124 if status is None else os.waitstatus_to_exitcode(status))
