#!/bin/bash
# t_lab_slowread: one lab user may not lock the others out by reading her
# answers slowly (review of issue 12, A and B).
#
# herdd runs no request of anyone while the answers held for all clients
# reach SERVER_OUT_TOTAL_MAX (64 MiB), and drops only a client whose answer
# has not moved for CLIENT_IDLE_MS.  User A opens her share of connections
# (32), each asking once for `show id=J script=1` of her own held job with a
# 3 MB script, and then reads a little of each answer every second: every
# connection moves (never idle, never dropped), and together they hold more
# than 64 MiB.  User B's `herd queue` must still be answered within a few
# seconds (the issue's bound is one second; three here, to be generous).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hra${UNIQ:0:10} B=hrb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
install -m 755 "$REPO/tests/torture/hclient.py" "$SD/bin/hclient.py"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
out=$(as "$A" register 2>&1) || fail "$A: herd register failed: $out"
SOCK=$SD/run/herd.sock

head -c 3000000 /dev/zero | tr '\0' x | fold -w 99 | sed 's/^/# /' >"$SD/home/$A/big.sh"
echo 'echo hi' >>"$SD/home/$A/big.sh"
chown "$A" "$SD/home/$A/big.sh"
j=$(as "$A" submit --parsable --hold big.sh) || fail "$A: submit --hold big.sh: $j"

SLOW_OUT=$SD/home/$A/slow.out
runuser -u "$A" -- python3 "$SD/bin/hclient.py" "$SOCK" slowread 32 40 65536 \
    show id "$j" script 1 >"$SLOW_OUT" 2>"$SLOW_OUT.err" &
SLOW=$!
at_exit "kill $SLOW 2>/dev/null"
for ((i = 0; i < 100; i++)); do
	grep -q '^connected' "$SLOW_OUT" && break
	sleep 0.1
done
grep -q '^connected 32' "$SLOW_OUT" || fail "the slow reader did not connect: $(cat "$SLOW_OUT")"
sleep 3	# herdd runs what it will of the 32 requests

for try in 1 2 3; do
	t0=$(date +%s%N)
	out=$(timeout 3 runuser -u "$B" -- env HOME="$SD/home/$B" \
	    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
	    "$SD/bin/herd" -s "$SOCK" queue 2>&1) ||
	    fail "$B's herd queue was not answered within 3 s (try $try) while $A read her" \
	        "32 answers of 3 MB slowly: $out"
	note "try $try: $B answered in $((($(date +%s%N) - t0) / 1000000)) ms"
	sleep 2
done
kill "$SLOW" 2>/dev/null
wait "$SLOW" 2>/dev/null
as "$A" cancel "$j" >/dev/null || fail "$A could not cancel job $j"
stop_herdd "$HERDD_PID"
lab_check_san
exit 0
