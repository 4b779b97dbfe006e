#!/bin/bash
# t_quickstart: make quickstart as a new user meets it.  On a copy of the
# sources (so that the build really runs) in a directory whose name needs
# quoting: the build prints no compiler lines, but shows them when it
# fails; every command of the closing message works when typed, in order,
# into a new shell that has only HOME and a login's PATH (herd is not on
# it), including the suggested job on this GPU-less machine, a restart of
# herdd, and stopping it.  scripts/deps, while another package manager holds
# dpkg's lock (an fcntl lock on /var/lib/dpkg/lock-frontend, as apt takes
# it), says that it waits, and after HERD_DEPS_LOCK_WAIT seconds says to run
# make quickstart again and exits 1; when the lock is freed, it goes on.
# No test node is used: the quickstart's only node is this machine.  A fake
# apt-get stands first in PATH, so nothing is ever installed.

. "$(dirname "$0")/lib.sh"

# The make that runs this suite must not lend its flags (-s, -j) to ours.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
SRC="$TEST_DIR/my repo's copy"
QS="$TEST_DIR/qs \$dir"            # HERD_QUICKSTART_DIR
HOMEDIR=$TEST_DIR/home
FAKE_OK=$TEST_DIR/fake-ok          # dpkg-query: everything installed
FAKE_MISSING=$TEST_DIR/fake-miss   # dpkg-query: nothing installed
APT_LOG=$TEST_DIR/apt-get.calls
LOGIN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p "$SRC" "$HOMEDIR" "$FAKE_OK" "$FAKE_MISSING"
for f in Makefile src include scripts man hosts.example.ini; do
	cp -r "$REPO/$f" "$SRC/" || fail "cannot copy $REPO/$f"
done
for d in "$FAKE_OK" "$FAKE_MISSING"; do
	printf '#!/bin/sh\necho "apt-get $*" >>"%s"\n' "$APT_LOG" >"$d/apt-get"
done
printf '#!/bin/sh\nprintf "install ok installed"\n' >"$FAKE_OK/dpkg-query"
printf '#!/bin/sh\nexit 1\n' >"$FAKE_MISSING/dpkg-query"
chmod +x "$FAKE_OK"/* "$FAKE_MISSING"/*

# Any herdd a quickstart started in this test is stopped at the end.
stop_quickstart_herdd() {
	local l pid
	for l in "$TEST_DIR"/qs*/state/herdd.lock; do
		[ -r "$l" ] || continue
		pid=$(cat "$l")
		alive "$pid" || continue
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$TEST_DIR/" || continue
		kill -KILL "$pid"
	done
}
at_exit stop_quickstart_herdd

# qs_make GOAL [VAR=VALUE...]: make GOAL in the copy, as a user would run it.
qs_make() {
	local goal=$1
	shift
	env HOME="$HOMEDIR" HERD_QUICKSTART_DIR="$QS" "$@" \
	    make -C "$SRC" --no-print-directory "$goal" </dev/null 2>&1
}

# 1. A failing build shows the compiler's error.
cp "$SRC/src/herd.c" "$TEST_DIR/herd.c.orig"
echo '#error t_quickstart_broken_build' >>"$SRC/src/herd.c"
out=$(qs_make quickstart PATH="$FAKE_OK:$PATH") && fail "make quickstart with a broken source exited 0: $out"
grep -q "t_quickstart_broken_build" <<<"$out" ||
    fail "make quickstart with a broken source: the compiler's error is not shown: $out"
cp "$TEST_DIR/herd.c.orig" "$SRC/src/herd.c"
[ ! -e "$QS/state/herdd.lock" ] || fail "make quickstart started herdd although the build failed"

# 2. The quickstart: no compiler lines.
out=$(qs_make quickstart PATH="$FAKE_OK:$PATH") || fail "make quickstart failed: $out"
printf '%s\n' "$out" >"$TEST_DIR/quickstart.out"
[ ! -e "$APT_LOG" ] || fail "make quickstart ran apt-get with every package installed: $(cat "$APT_LOG")"
cc_lines=$(grep -E -e '-Wall|-std=c11|^(cc|gcc|clang|ar) ' <<<"$out")
[ -z "$cc_lines" ] || fail "make quickstart printed $(wc -l <<<"$cc_lines") compiler lines, e.g. $(head -n 2 <<<"$cc_lines")"
grep -q "^herd is running" <<<"$out" || fail "make quickstart: no closing message in: $out"
first_pid=$(cat "$QS/state/herdd.lock") || fail "no herdd.lock after make quickstart"
alive "$first_pid" || fail "herdd (pid $first_pid) is not running after make quickstart"
echo "$first_pid" >>"$TEST_DIR/herdd.pids"
ngpus=$("$SRC/bin/herd" -c "$QS/hosts.ini" nodes --json | jq '[.[].gpus[]] | length')
[ "$ngpus" -eq 0 ] || note "this machine has $ngpus GPUs: the GPU-less suggestion is not exercised"

# The commands: the closing message's indented lines.
mapfile -t cmds < <(sed -n '/^herd is running/,$ { s/^    \([^ ].*\)/\1/p; }' <<<"$out")
[ "${#cmds[@]}" -ge 3 ] || fail "expected commands in the closing message, found ${#cmds[@]}: $out"
[ "$ngpus" -gt 0 ] || ! grep -q -- "--gpus" <<<"${cmds[*]}" ||
    fail "on a machine without GPUs, the closing message suggests a GPU job: ${cmds[*]}"

# On this machine a GPU job is refused, in the singular.
if [ "$ngpus" -eq 0 ]; then
	out=$("$SRC/bin/herd" -c "$QS/hosts.ini" submit --gpus 1 --wrap true 2>&1) &&
	    fail "herd submit --gpus 1 on a node without GPUs exited 0: $out"
	grep -qF "no node has 1 GPU (the most on one node is 0)" <<<"$out" ||
	    fail "herd submit --gpus 1 on a node without GPUs: $out"
fi

# 3. Each, in order, in one new shell with only HOME and a login's PATH,
# typed as a user would: after a submit, the job is waited for; after a
# kill, herdd's end; after a start, its node UP.
coproc SH { cd "$HOMEDIR" && exec env -i HOME="$HOMEDIR" PATH="$LOGIN_PATH" \
    bash --noprofile --norc 2>&1; }
at_exit '[ -n "${SH_PID:-}" ] && kill "$SH_PID" 2>/dev/null'
qherd() {
	"$SRC/bin/herd" -c "$QS/hosts.ini" "$@"
}
submitted=0 stopped=0 started=0
for c in "${cmds[@]}"; do
	log "$c"
	# (stdin from /dev/null: the shell's own stdin is this script)
	printf '{ %s\n} </dev/null\nprintf "\\n__rc=%%s\\n" "$?"\n' "$c" >&"${SH[1]}"
	cout='' rc=''
	while IFS= read -r -t 30 l <&"${SH[0]}"; do
		case $l in
		__rc=*) rc=${l#__rc=}; break ;;
		esac
		cout+="$l"$'\n'
	done
	[ -n "$rc" ] || fail "'$c' in a new shell: no answer in 30 s; output: $cout"
	[ "$rc" -eq 0 ] || fail "'$c' in a new shell exited $rc: $cout"
	pid=$(cat "$QS/state/herdd.lock")
	case $c in
	"herd submit "*)
		id=$(sed -n 's/^Submitted batch job \([0-9][0-9]*\)$/\1/p' <<<"$cout")
		[ -n "$id" ] || fail "'$c': no 'Submitted batch job N' in: $cout"
		timeout 30 "$SRC/bin/herd" -c "$QS/hosts.ini" wait "$id" ||
		    fail "the suggested job ($c) did not complete: $(qherd show "$id")"
		grep -q "hello from" "$HOMEDIR/herd-$id.out" ||
		    [ "$ngpus" -gt 0 ] || fail "job $id's output: $(cat "$HOMEDIR/herd-$id.out")"
		submitted=$((submitted + 1)) ;;
	"kill "*)
		for ((i = 0; i < 100; i++)); do
			alive "$pid" || break
			sleep 0.1
		done
		alive "$pid" && fail "herdd (pid $pid) still runs 10 s after '$c'"
		stopped=$((stopped + 1)) ;;
	"herdd "*--daemon*)
		# (the lock holds the parent's pid until the child writes its own)
		for ((i = 0; i < 100; i++)); do
			pid=$(cat "$QS/state/herdd.lock")
			alive "$pid" && qherd nodes --json 2>/dev/null | grep -Eq '"state":"(IDLE|MIXED|ALLOCATED)"' && break
			sleep 0.1
		done
		alive "$pid" || fail "no herdd running after '$c'"
		echo "$pid" >>"$TEST_DIR/herdd.pids"
		qherd nodes --json | grep -Eq '"state":"(IDLE|MIXED|ALLOCATED)"' || fail "after '$c', the node is not up"
		started=$((started + 1)) ;;
	esac
done
assert_eq "suggested jobs submitted and completed" 1 "$submitted"
[ "$stopped" -ge 1 ] || fail "the closing message tells no way to stop herdd that was run: ${cmds[*]}"
case ${cmds[${#cmds[@]} - 1]} in
"kill "*) ;;
*) fail "the closing message's last command does not stop herdd: ${cmds[*]}" ;;
esac
note "closing message: ${#cmds[@]} commands, run in a new shell (herdd restarted $started time(s), stopped $stopped)"

# 4. scripts/deps while another package manager holds dpkg's lock.
LOCK=/var/lib/dpkg/lock-frontend
if [ ! -w "$LOCK" ]; then
	note "no writable $LOCK: the package-lock part is skipped"
	exit 0
fi
cat >"$TEST_DIR/hold.c" <<'EOF'
/* hold FILE: an fcntl write lock on FILE, as apt and dpkg take it, until killed. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = argc == 2 ? open(argv[1], O_RDWR) : -1;
	if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0) {
		perror(argc == 2 ? argv[1] : "usage: hold FILE");
		return 1;
	}
	puts("locked");
	fflush(stdout);
	pause();
	return 0;
}
EOF
cc -o "$TEST_DIR/hold" "$TEST_DIR/hold.c" || fail "cannot build the lock holder"
hold_pid=
hold() {
	rm -f "$TEST_DIR/hold.out"
	"$TEST_DIR/hold" "$LOCK" >"$TEST_DIR/hold.out" 2>&1 &
	hold_pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q locked "$TEST_DIR/hold.out" 2>/dev/null && return 0
		alive "$hold_pid" || break
		sleep 0.1
	done
	note "cannot lock $LOCK ($(cat "$TEST_DIR/hold.out")): a package manager runs; the package-lock part is skipped"
	exit 0
}
release() {
	kill "$hold_pid" 2>/dev/null
	wait "$hold_pid" 2>/dev/null
	hold_pid=
}
at_exit '[ -z "$hold_pid" ] || kill "$hold_pid" 2>/dev/null'

out=$(HERD_DEPS_LOCK_WAIT=soon PATH="$FAKE_MISSING:$PATH" "$SRC/scripts/deps" 2>&1)
assert_eq "exit status of scripts/deps with HERD_DEPS_LOCK_WAIT=soon" 2 "$?"
grep -qF 'invalid HERD_DEPS_LOCK_WAIT "soon"' <<<"$out" || fail "HERD_DEPS_LOCK_WAIT=soon: $out"

# Held throughout: one line saying it waits, then what to do; exit 1;
# apt-get never runs, nor does the rest of the quickstart.
rm -f "$APT_LOG"
hold
out=$(qs_make quickstart PATH="$FAKE_MISSING:$PATH" HERD_DEPS_LOCK_WAIT=2)
rc=$?
release
[ "$rc" -ne 0 ] || fail "make quickstart while dpkg's lock is held exited 0: $out"
grep -q "another package manager is running.*waiting up to 2 s" <<<"$out" ||
    fail "make quickstart while dpkg's lock is held: no line saying it waits in: $out"
grep -q "another package manager is running.*run make quickstart again when it ends" <<<"$out" ||
    fail "make quickstart while dpkg's lock is held: no 'run make quickstart again' in: $out"
[ ! -e "$APT_LOG" ] || fail "apt-get ran while dpkg's lock was held: $(cat "$APT_LOG")"
grep -q "building" <<<"$out" && fail "the quickstart went on after deps failed: $out"

# Freed while it waits: it goes on and installs.
hold
PATH="$FAKE_MISSING:$PATH" HERD_DEPS_LOCK_WAIT=60 "$SRC/scripts/deps" >"$TEST_DIR/deps.out" 2>&1 &
deps_pid=$!
for ((i = 0; i < 100; i++)); do
	grep -q "waiting up to 60 s" "$TEST_DIR/deps.out" && break
	alive "$deps_pid" || break
	sleep 0.1
done
grep -q "waiting up to 60 s" "$TEST_DIR/deps.out" ||
    fail "scripts/deps while dpkg's lock is held: no line saying it waits in: $(cat "$TEST_DIR/deps.out")"
release
wait "$deps_pid"
assert_eq "exit status of scripts/deps after the lock was freed" 0 "$?"
assert_eq "lines about the other package manager" 1 \
    "$(grep -c "another package manager" "$TEST_DIR/deps.out")"
grep -q "^apt-get .*install" "$APT_LOG" ||
    fail "scripts/deps did not run apt-get install after the lock was freed: $(cat "$APT_LOG" 2>&1)"
