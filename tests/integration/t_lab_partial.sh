#!/bin/bash
# t_lab_partial: one lab user may not stop another's submits by holding
# partial requests (review of issue 12, B).
#
# Each partial frame reserves its whole length from SERVER_IN_TOTAL_MAX
# (64 MiB, all clients together), with no share per uid: user A opens 9
# connections (well under her 32), each announcing a 7 MiB request and
# sending all of it but the last byte.  Until herdd closes them as idle
# (10 s, and A may open 9 more at once), user B's `herd submit` of a 2 MB
# script, which arrives in several reads, was refused "herdd is busy
# (receiving too many large requests); retry".  Now each uid holds at most
# two of the largest requests at once (SERVER_UID_IN_MAX): A's further
# ones are refused, and A's own herd hears why (not "Broken pipe"), while
# B's submit goes through.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hpa${UNIQ:0:10} B=hpb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
install -m 755 "$REPO/tests/torture/hclient.py" "$SD/bin/hclient.py"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
out=$(as "$B" register 2>&1) || fail "$B: herd register failed: $out"
out=$(as "$A" register 2>&1) || fail "$A: herd register failed: $out"
SOCK=$SD/run/herd.sock

head -c 2000000 /dev/zero | tr '\0' x | fold -w 99 | sed 's/^/# /' >"$SD/home/$B/big.sh"
echo 'echo hi' >>"$SD/home/$B/big.sh"
chown "$B" "$SD/home/$B/big.sh"
# The control: B's submit of it goes through while nobody floods.
j=$(as "$B" submit --parsable --hold big.sh 2>&1) || fail "$B: submit --hold big.sh: $j"

P_OUT=$SD/home/$A/partial.out
runuser -u "$A" -- python3 "$SD/bin/hclient.py" "$SOCK" partial 9 7 30 \
    >"$P_OUT" 2>"$P_OUT.err" &
P=$!
at_exit "kill $P 2>/dev/null"
for ((i = 0; i < 100; i++)); do
	grep -q '^sent' "$P_OUT" && break
	sleep 0.1
done
grep -q '^sent' "$P_OUT" || fail "the partial flood did not start: $(cat "$P_OUT" "$P_OUT.err")"
grep -q "uid $(id -u "$A") holds .* bytes of partial requests already" "$HERDD_LOG" ||
    fail "herdd did not hold $A to her share of partial requests: $(cat "$P_OUT")"
# (3 MB: with her two 7 MiB partial requests, over her 16 MiB share)
head -c 3000000 /dev/zero | tr '\0' x | fold -w 99 | sed 's/^/# /' >"$SD/home/$A/big.sh"
echo 'echo hi' >>"$SD/home/$A/big.sh"
chown "$A" "$SD/home/$A/big.sh"
out=$(as "$A" submit --parsable --hold big.sh 2>&1) &&
    fail "$A's submit went through while she held two partial requests of 7 MiB: $out"
grep -qF "herdd is busy (you are sending too many large requests at once); retry" <<<"$out" ||
    fail "$A's refused submit does not say why: $out"
out=$(timeout 5 runuser -u "$B" -- sh -c "cd '$SD/home/$B' && env HOME='$SD/home/$B' \
    ASAN_OPTIONS=detect_leaks=1:log_path='$SD/san/herd' '$SD/bin/herd' -s '$SOCK' \
    submit --parsable --hold big.sh" 2>&1) ||
    fail "$B's submit of a 2 MB script failed while $A held 9 partial requests of 7 MiB: $out"
kill "$P" 2>/dev/null
wait "$P" 2>/dev/null
as "$B" cancel "$j" "$out" >/dev/null
stop_herdd "$HERDD_PID"
lab_check_san
exit 0
