#!/bin/bash
# t_service_idle_stop: herd service start --idle-stop, with the fake
# nvidia-smi's answers edited while herdd runs (probe_interval 1 s).
#  1. Every GPU of node2 at 50 % utilization: a one-GPU service there with
#     --idle-stop 4s (and --restart always) runs on well past 4 s.
#  2. Back at 0 % (no process listed): it is stopped within a bound, its
#     log (herd service logs) ends with "herd: service nb stopped: its GPUs
#     idle for 4s (--idle-stop 4s)", it is CANCELLED with reason IdleStop
#     (herd service ls too), and its policy does not start it again.
#  3. Refused with the reason: --idle-stop on a service without GPUs, and
#     a bare number.
. "$(dirname "$0")/lib.sh"

CSV=$TC_DIR/nodes/node2/gpu/query-gpu.csv
cp "$CSV" "$TEST_DIR/query-gpu.csv.saved"
at_exit "cp '$TEST_DIR/query-gpu.csv.saved' '$CSV'"
# util PCT: every GPU of node2 at PCT % (the column named utilization.gpu).
util() {
	awk -v p="$1" 'BEGIN { FS = OFS = ", " }
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^utilization\.gpu/) c = i; print; next }
	    { $c = p " %"; print }' "$TEST_DIR/query-gpu.csv.saved" >"$CSV.new" && mv "$CSV.new" "$CSV"
}
util 50
grep -q ", 50 %, " "$CSV" || fail "node2's utilization not set: $(cat "$CSV")"
setup_herdd probe_interval=1

out=$(herd service start nb -w node2 --gpus 1 --restart always --idle-stop 4s -- \
    sh -c 'echo "nb up"; exec sleep "$0"' "7$UNIQ" 2>&1) || fail "herd service start --idle-stop: $out"
id=$(sed -n 's/^Submitted service nb as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd service start printed '$out'"
wait_state "$id" RUNNING 30
assert_eq "idle_stop in herd show --json" 4 "$(field "$id" .idle_stop)"

# ---- 1. busy: running past 4 s (three times it) ----
sleep 12
assert_eq "a busy service after 12 s" "RUNNING 1" "$(field "$id" '"\(.state) \(.attempt)"')"

# ---- 2. idle: stopped, its log says why, not restarted ----
util 0
st=
for ((i = 0; i < 300; i++)); do
	st=$(field "$id" .state)
	[ "$st" = RUNNING ] || break
	sleep 0.1
done
assert_eq "state after 30 s idle" CANCELLED "$st"
assert_eq "its reason" IdleStop "$(field "$id" .reason)"
line="herd: service nb stopped: its GPUs idle for 4s (--idle-stop 4s)"
log=
for ((i = 0; i < 100; i++)); do
	log=$(herd service logs nb 2>&1)
	grep -qF "$line" <<<"$log" && break
	sleep 0.1
done
assert_eq "its log" "nb up
$line" "$log"
herd service ls | grep -q "^nb .*CANCELLED.*IdleStop" || fail "herd service ls: $(herd service ls)"
sleep 3
assert_eq "not restarted (--restart always)" "CANCELLED 1 0" \
    "$(field "$id" '"\(.state) \(.attempt) \(.restarts)"')"
for ((i = 0; i < 50; i++)); do
	pgrep -f "sleep 7$UNIQ" >/dev/null || break
	sleep 0.1
done
pgrep -f "sleep 7$UNIQ" >/dev/null && fail "its process is still running"

# ---- 3. refusals ----
out=$(herd service start cpu --idle-stop 1h -- true 2>&1) && fail "--idle-stop without GPUs: $out"
grep -q "idle-stop stops a service whose GPUs stay idle: this one asks for none" <<<"$out" ||
    fail "the refusal without GPUs: $out"
out=$(herd service start g --gpus 1 --idle-stop 5 -- true 2>&1) && fail "--idle-stop 5: $out"
grep -q "idle-stop takes a duration" <<<"$out" || fail "the refusal of a bare number: $out"
herd queue --json | jq -e 'length == 0' >/dev/null || fail "something was queued: $(herd queue)"
