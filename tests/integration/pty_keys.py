#!/usr/bin/env python3
"""pty_keys.py COLS ROWS COUNT PATTERN KEYS CMD [ARGS...]: run CMD on a new
pseudo-terminal of COLS x ROWS, wait (30 s at most) until PATTERN (bytes) has
appeared COUNT times in what it wrote, then type KEYS (Python escapes: '\\x03'
is Ctrl-C), wait (10 s at most) for it to exit.  Writes what it wrote to
stdout, byte for byte, and as its last line "termios: icanon=N echo=N" read
from the terminal after CMD exited (whether it was left as it was found).
Exits with CMD's status, or 124 if it did not end."""
import fcntl, os, pty, select, signal, struct, sys, termios, time

cols, rows, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
pattern = sys.argv[4].encode()
keys = sys.argv[5].encode().decode("unicode_escape").encode("latin-1")
argv = sys.argv[6:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
out = bytearray()
sent = False
deadline = time.monotonic() + 30
status = None
while True:
    if not sent and out.count(pattern) >= count:
        os.write(fd, keys)
        sent = True
        deadline = time.monotonic() + 10
    left = deadline - time.monotonic()
    if left <= 0:
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
        break
lflag = termios.tcgetattr(fd)[3]
sys.stdout.buffer.write(bytes(out))
sys.stdout.write("\ntermios: icanon=%d echo=%d\n" % (bool(lflag & termios.ICANON), bool(lflag & termios.ECHO)))
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    sys.exit(124)
sys.exit(os.waitstatus_to_exitcode(status))
