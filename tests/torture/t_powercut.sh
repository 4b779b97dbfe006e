#!/bin/bash
# t_powercut: a power cut of the disk under the state directory.  The state
# directory is on ext4 on a loop device (a 256 MiB file); jobs are submitted
# continuously (POWER_JOBS of them, each sleeping 0.2-1 s), and right after
# the last acknowledgement herdd is frozen (SIGSTOP: the machine stops),
# the filesystem is shut down without flushing its journal
# (EXT4_IOC_SHUTDOWN, EXT4_GOING_FLAGS_NOLOGFLUSH: what was not on the disk
# is gone, as in a power cut), herdd is SIGKILLed, the filesystem unmounted
# and mounted again (the journal replays) and herdd started on it.  Then
# POWER_AFTER more jobs are submitted, to see whether ids are issued again.
#
# Each job appends "I ID NODE" to a marker (I: its number in the submit
# order, i.e. its script's content).  Counted: acknowledged jobs lost
# (acknowledged but unknown to herdd afterwards, or their id given to a new
# job), jobs run twice (the same script I twice in the marker: a job that
# ran before the cut and again after it), launch keys whose files are on two
# nodes (only those still there: herdd removes a finished job's files, so
# the marker is the evidence that counts), job ids issued twice.  Skipped (exit 77) where loop
# devices or mkfs.ext4 are not available.

. "$(dirname "$0")/lib.sh"

size POWER_JOBS 240 60
size POWER_AFTER 20 10
cluster=tort-power

skip() { echo "skipped: $*"; exit 77; }
for c in losetup mkfs.ext4 mount umount mountpoint; do
	command -v "$c" >/dev/null 2>&1 || skip "no $c"
done
IMG=$TEST_DIR/disk.img
MNT=$TEST_DIR/mnt
dd if=/dev/zero of="$IMG" bs=1M count=0 seek=256 status=none || fail "cannot create $IMG"
LOOP=$(losetup -f --show "$IMG" 2>"$TEST_DIR/losetup.err") ||
    skip "no loop device ($(head -c 200 "$TEST_DIR/losetup.err"))"
echo "$LOOP" >"$TEST_DIR/loop.dev"
powercut_cleanup() {
	alive "${HERDD_PID:-0}" && kill -KILL "$HERDD_PID" 2>/dev/null && sleep 0.5
	mountpoint -q "$MNT" && { umount "$MNT" 2>/dev/null || umount -l "$MNT"; }
	losetup -d "$LOOP" 2>/dev/null
	rm -f "$IMG"
}
at_exit powercut_cleanup
mkfs.ext4 -q -F "$LOOP" >"$TEST_DIR/mkfs.log" 2>&1 || skip "mkfs.ext4 failed: $(tail -n 1 "$TEST_DIR/mkfs.log")"
mkdir -p "$MNT"
echo "$MNT" >"$TEST_DIR/mnt.path"
mount -t ext4 "$LOOP" "$MNT" 2>"$TEST_DIR/mount.err" || skip "cannot mount ext4 on $LOOP: $(cat "$TEST_DIR/mount.err")"
STATE=$MNT/state
make_config "$HOSTS" "$STATE" "cluster=$cluster"
start_herdd
wait_nodes_up 4 20

MARK=$TEST_DIR/marker
ACKED=$TEST_DIR/acked          # "ID CODE I"
: >"$MARK"
: >"$ACKED"
cat >"$TEST_DIR/job.sh" <<'EOF2'
#!/bin/sh
# job.sh MARK I SLEEP
echo "$2 $HERD_JOB_ID $HERD_NODE" >>"$1"
sleep "$3"
EOF2
chmod +x "$TEST_DIR/job.sh"

submit_range() {
	local from=$1 to=$2 i id
	for ((i = from; i <= to; i++)); do
		id=$(therd 15 submit --parsable "$TEST_DIR/job.sh" "$MARK" "$i" \
		    "$(rand_sleep 200 1000)" 2>>"$TEST_DIR/submit.err")
		case $id in
		''|*[!0-9]*) echo "submit $i refused: $id" >>"$TEST_DIR/submit.err" ;;
		*) echo "$id 0 $i" >>"$ACKED" ;;
		esac
	done
}
submit_range 1 "$POWER_JOBS"
before=$(wc -l <"$ACKED")
queued=$(therd 20 queue --json | jq '[.[] | select(.state == "PENDING")] | length')

# The cut.
kill -STOP "$HERDD_PID"
"$PY" - "$MNT" <<'EOF2' || fail "EXT4_IOC_SHUTDOWN failed"
import fcntl, os, struct, sys
EXT4_IOC_SHUTDOWN = 0x8004587d          # _IOR('X', 125, __u32)
EXT4_GOING_FLAGS_NOLOGFLUSH = 0x2
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.ioctl(fd, EXT4_IOC_SHUTDOWN, struct.pack("I", EXT4_GOING_FLAGS_NOLOGFLUSH))
os.close(fd)
EOF2
stop_herdd "$HERDD_PID" KILL
umount "$MNT" || fail "cannot unmount $MNT after the shutdown"
# A new loop device for the same image: should anything still hold the shut
# down superblock (a mount propagated into a node's namespace), mounting the
# old device again would hand it back, still failing every read.
losetup -d "$LOOP" 2>/dev/null
LOOP=$(losetup -f --show "$IMG") || fail "cannot attach $IMG again"
mount -t ext4 "$LOOP" "$MNT" || fail "cannot mount $LOOP again"
figure "jobs in herd.db after the remount" "$(sqlite3 "$STATE/herd.db" 'SELECT count(*) FROM jobs' 2>&1 | head -c 60)"
start_herdd
wait_nodes_up 4 30
cp "$ACKED" "$TEST_DIR/acked.before"
submit_range $((POWER_JOBS + 1)) $((POWER_JOBS + POWER_AFTER))
wait_settled "$ACKED" 300 || log "jobs still queued or running 300 s after the restart"

check_ends "$ACKED"
figure "jobs acknowledged before the cut" "$before"
figure "of which pending at the cut" "$queued"
figure "jobs acknowledged after the restart" "$(($(wc -l <"$ACKED") - before))"
twice_id=$(awk '{ print $2 }' "$MARK" | sort | uniq -d)
twice_i=$(awk '{ print $1 }' "$MARK" | sort | uniq -d)
keys2=$(for f in "$TC_DIR"/nodes/*/home/.herd/jobs/"$cluster"-*.script; do
	[ -e "$f" ] && basename "$f" .script
done | sort | uniq -d)
reused=$(awk '{ print $1 }' "$ACKED" | sort | uniq -d)
# An id issued again means its first job's record is gone: lost too.
lost_ids=$(grep '^LOST' "$TEST_DIR/ends.bad" | awk '{ print $2 }')
lost_all=$(printf '%s\n' $lost_ids $reused | grep -c .)
invariant "acknowledged jobs lost" "$lost_all" 0 \
    "unknown to herdd: $(echo $lost_ids)" "their id issued again to a new job: $(echo $reused)"
invariant "jobs run twice (same script, by marker)" "$(grep -c . <<<"$twice_i")" 0 \
    "$(for i in $twice_i; do echo -n "script $i: "; awk -v i="$i" '$1 == i { printf "id %s on %s; ", $2, $3 }' "$MARK"; echo; done | head -n 20)"
invariant "launch keys with files on two nodes" "$(grep -c . <<<"$keys2")" 0 \
    "$(for k in $keys2; do echo -n "$k: "; ls "$TC_DIR"/nodes/*/home/.herd/jobs/"$k".script | cut -d/ -f5 | tr '\n' ' '; echo; done | head -n 20)"
invariant "job ids issued twice" "$(grep -c . <<<"$reused")" 0 "$(echo $reused)"
figure "job ids twice in the marker (reruns + reuses)" "$(grep -c . <<<"$twice_id")"
invariant "jobs ended wrong" "$WRONG" 0 "$(grep '^WRONG' "$TEST_DIR/ends.bad" | head -n 10)"
invariant "jobs not ended in time" "$UNSETTLED" 0 "$(grep '^UNSETTLED' "$TEST_DIR/ends.bad" | head -n 10)"
