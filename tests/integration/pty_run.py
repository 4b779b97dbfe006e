#!/usr/bin/env python3
"""pty_run.py COLS ROWS CMD [ARGS...]: run CMD with its stdin, stdout and
stderr on a new pseudo-terminal of COLS x ROWS (TIOCSWINSZ, as a terminal
emulator sets it), copy everything it writes to our stdout byte for byte,
and exit with its status.  For tests of what herd does on a terminal."""
import fcntl, os, pty, struct, sys, termios

cols, rows, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
out = bytearray()
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out).replace(b"\r\n", b"\n"))
sys.exit(os.waitstatus_to_exitcode(status))
