#!/bin/bash
# t_term: herd on a real terminal (a pseudo-terminal of 80x24 made by
# pty_run.py, its width set by TIOCSWINSZ as an emulator sets it, COLUMNS
# not set): every listing (queue, queue --start, nodes, history, audit,
# priority, usage) fits 80 columns, with a long and a CJK job name; on a
# terminal, with TERM asking for colour and with NO_COLOR set, no escape
# sequence is written (herd has no colour); into a pipe nothing is cut.

. "$(dirname "$0")/lib.sh"

PTY="$REPO/tests/integration/pty_run.py"
setup_herdd
widest() { LC_ALL=C.UTF-8 wc -L; }

long="a-rather-long-job-name-that-would-never-fit-in-its-column-$UNIQ"
cjk="日本語のとても長いジョブの名前です-$UNIQ"
blk=$(submit -J "$long" --gpus 8 --time 10 --wrap "sleep 73.$UNIQ")
wait_state "$blk" RUNNING 20
p1=$(submit -J "$cjk" --gpus 8 --time 5 --wrap true)
p2=$(submit -J "$long-2" --gpus 8 --time 5 --wrap true)
done1=$(submit -J "$long-done" --wrap true)
wait_state "$done1" COMPLETED 20

listings=("queue" "queue --start" "nodes" "history --all" "audit" "priority" "usage -a")
for l in "${listings[@]}"; do
	for env in "TERM=dumb" "TERM=xterm-256color" "TERM=xterm-256color NO_COLOR=1"; do
		# shellcheck disable=SC2086
		out=$(env -u COLUMNS $env python3 "$PTY" 80 24 "$HERD_BIN/herd" -c "$HOSTS" $l 2>&1)
		rc=$?
		assert_eq "herd $l on a terminal ($env): status" 0 "$rc"
		# audit lists actions on others' jobs: only its header here.
		[ "$(wc -l <<<"$out")" -ge 2 ] || [ "$l" = audit ] || fail "herd $l on a terminal printed: $out"
		w=$(widest <<<"$out")
		[ "$w" -le 80 ] || fail "herd $l on an 80-column terminal ($env): a line $w columns wide: $out"
		if LC_ALL=C grep -q $'\x1b' <<<"$out"; then
			fail "herd $l on a terminal ($env) wrote an escape sequence: $(cat -v <<<"$out")"
		fi
	done
done
# The width is the terminal's: the same listing on a 60-column one is cut to 60.
out=$(env -u COLUMNS python3 "$PTY" 60 24 "$HERD_BIN/herd" -c "$HOSTS" queue 2>&1)
w=$(widest <<<"$out")
[ "$w" -le 60 ] || fail "herd queue on a 60-column terminal: a line $w columns wide: $out"
grep -q '…' <<<"$out" || fail "herd queue on a 60-column terminal: nothing was cut: $out"
# Into a pipe nothing is cut (COLUMNS unset): the whole names are there.
out=$(env -u COLUMNS "$HERD_BIN/herd" -c "$HOSTS" queue)
grep -qF -- "$long" <<<"$out" || fail "herd queue into a pipe cut the long name: $out"
grep -qF -- "$cjk" <<<"$out" || fail "herd queue into a pipe cut the CJK name: $out"
