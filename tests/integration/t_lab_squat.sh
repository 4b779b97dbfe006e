#!/bin/bash
# t_lab_squat: nobody poses as the lab's herdd by taking its socket's
# directory first (review of issue 12, C).
#
# herdd accepted a socket directory of its own below a root-owned sticky
# directory, as /tmp is (others may add names there but not move ours).  But
# when that directory is gone (/tmp emptied at boot, herdd not started
# yet), user M may make it herself, listen in it and answer as herdd.  The
# client trusts, besides root and its own user, the uid of whoever listens
# (check_peer: trusted[0] = cr.uid): M's directory, M's socket, M's
# listener all pass, and A's `herd register` writes M's key line (of the
# exact form lab mode makes) into A's authorized_keys, so M logs in as A.
# A's herd must refuse it: the directory's owner is trusted because it is
# whoever answers, which is what the check was to establish.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hqa${UNIQ:0:10} M=hqm${UNIQ:0:10}
mkuser "$A"
mkuser "$M"
install -m 755 "$REPO/tests/torture/hclient.py" "$SD/bin/hclient.py"
# A /tmp of the lab's own: root's, sticky, everyone may add names.
mkdir -m 1777 "$SD/tmp"

# 1. herdd refuses a socket directory of its own there: it would be
#    trusted as the service's, yet anyone could make it (safepath.h).
install -d -o "$SVC" -m 755 "$SD/tmp/herd"
lab_config
sed -i "s|^socket = .*|socket = $SD/tmp/herd/herd.sock|" "$LAB"
svc_refuses "in a directory that other users may write"
# 2. The directory is gone (a reboot empties /tmp); M makes it first.
rm -rf "$SD/tmp/herd"
runuser -u "$M" -- mkdir -m 755 "$SD/tmp/herd" || fail "$M cannot make $SD/tmp/herd"

ssh-keygen -q -t ed25519 -N '' -f "$SD/mkey" || fail "ssh-keygen failed"
mkey=$(cut -d' ' -f1,2 "$SD/mkey.pub")
good="from=\"127.0.0.1\",restrict $mkey herd-lab:test"
install -m 755 "$REPO/tests/integration/fakeherdd.py" "$SD/bin/fakeherdd.py"
runuser -u "$M" -- python3 "$SD/bin/fakeherdd.py" "$SD/tmp/herd/herd.sock" "$good" \
    >"$SD/fake.out" 2>&1 &
FAKE=$!
at_exit "kill $FAKE 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	grep -q listening "$SD/fake.out" && break
	sleep 0.1
done
grep -q listening "$SD/fake.out" || fail "the fake herdd did not start: $(cat "$SD/fake.out")"

out=$(cd "$SD/home/$A" && runuser -u "$A" -- env HOME="$SD/home/$A" \
    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
    "$SD/bin/herd" -s "$SD/tmp/herd/herd.sock" register 2>&1)
rc=$?
if grep -qF "${mkey#* }" "$SD/home/$A/.ssh/authorized_keys" 2>/dev/null; then
	fail "M's listener in M's own directory below a sticky one was trusted: M's key is" \
	    "in A's authorized_keys (herd register rc $rc: $out)"
fi
[ $rc -ne 0 ] || fail "herd register on M's socket succeeded: $out"
kill "$FAKE"
lab_check_san
exit 0
