#!/usr/bin/env python3
# fakeherdd.py SOCK LINE: a listener posing as lab mode's herdd (t_lab_sockdir,
# t_lab_squat): every request is answered as herd register's would be, with
# the key line LINE.  Run as another real user, it is the attacker.
import os, socket, sys
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from hclient import frame
path, line = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o666)
s.listen(8)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(5)
    try:
        c.recv(65536)
        c.sendall(frame("lab", "mode", "lab", "user", "x", "line", line,
                        "marker", "herd-lab:test", v=None))
    except OSError:
        pass
    c.close()
