#!/bin/bash
# t_oom: a job and a service killed by the kernel's out-of-memory killer
# say so.  node1 is given a writable cgroup v1 memory hierarchy of its own
# (as t_isolate does: a per-test directory of the real one, bind-mounted
# over /sys/fs/cgroup/memory in node1's mount namespace), so --mem 64M is
# its job's memory.limit_in_bytes; python3 then fills 512 MiB and the
# kernel kills it inside the job's cgroup.  The batch job ends FAILED with
# reason OutOfMemory and last_oom 1 (herd show, herd history); the service
# (--max-restarts 1) is restarted as after any failure, ends CrashLoop,
# and herd service ls shows its last exit as OOM, its attempts in herd
# history the reason OutOfMemory.  Skipped where the cgroup memory
# controller is not writable.

. "$(dirname "$0")/lib.sh"

command -v nsenter >/dev/null || { note "skipped: no nsenter"; exit 0; }
command -v python3 >/dev/null || fail "python3 is needed (scripts/deps installs it)"
[ -d /sys/fs/cgroup/memory ] ||
    { note "skipped: no cgroup v1 memory hierarchy here (OOM is told only from a memory cgroup)"; exit 0; }
pid1=$(cat "$TC_DIR/nodes/node1/pid")
user=$(id -un)
mem=/sys/fs/cgroup/memory/herdtc-oom-$UNIQ
mkdir "$mem" 2>/dev/null && chown -R "$user" "$mem" 2>/dev/null ||
    { rmdir "$mem" 2>/dev/null; note "skipped: the cgroup memory controller is not writable here"; exit 0; }
in_node() {
	local pid=$1
	shift
	nsenter --mount --target "$pid" -- "$@"
}
at_exit "in_node $pid1 umount /sys/fs/cgroup/memory; pkill -KILL -f 'oomhog$UNIQ'; \
sleep 0.5; rmdir $mem/herd-* $mem 2>/dev/null; true"
in_node "$pid1" mount --bind "$mem" /sys/fs/cgroup/memory || fail "bind $mem on node1"

setup_herdd
assert_eq "isolation of node1" cgroup1 \
    "$(herd nodes --json | jq -r '.[] | select(.name == "node1") | .isolation')"

# 512 MiB of bytes, touched, under a 64 MiB limit (no swap limit needed:
# the test machine has none; where it has, memsw is not set and the kill
# may not come, which the assertions then say).
hog="import sys; sys.argv[0] = 'oomhog$UNIQ'; x = b'x' * (512 << 20)"
printf '#!/bin/sh\npython3 -c "%s"\n' "$hog" >"$TEST_DIR/hog.sh"

# --- a batch job: FAILED, OutOfMemory.
id=$(submit -w node1 --mem 64M "$TEST_DIR/hog.sh")
wait_jobs 60 "$id" >/dev/null
assert_eq "the job's end" "FAILED OutOfMemory 1" \
    "$(field "$id" '"\(.state) \(.reason) \(.last_oom)"')"
assert_eq "herd history's reason" OutOfMemory "$(hist_of "$id" .reason)"

# --- a service: restarted by its policy, then CrashLoop, last exit OOM.
out=$(herd service start hog -w node1 --mem 64M --max-restarts 1 -- python3 -c "$hog") ||
    fail "herd service start hog: $out"
sid=$(sed -n 's/^Submitted service hog as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$sid" ] || fail "herd service start printed '$out'"
for ((i = 0; i < 600; i++)); do
	[ "$(field "$sid" .state)" = FAILED ] && break
	sleep 0.1
done
assert_eq "the service's end" "FAILED CrashLoop 1 1" \
    "$(field "$sid" '"\(.state) \(.reason) \(.restarts) \(.last_oom)"')"
assert_eq "herd service ls --json last_exit" OOM \
    "$(herd service ls --json | jq -r '.[] | select(.name == "hog") | .last_exit')"
herd service ls | grep -q "^hog .* OOM *$" || fail "herd service ls: $(herd service ls)"
assert_eq "its first attempt's reason in herd history" OutOfMemory \
    "$(hist_of "$sid" '.attempts[0].reason')"
