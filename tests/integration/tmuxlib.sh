# tmuxlib.sh: a terminal a person would use, for tests of herd top; sourced
# after lib.sh.  A tmux server of the test's own (-L, no config) runs one
# session; keys go in with send-keys and the screen comes back with
# capture-pane, as the user sees it (escape sequences already applied).
# The command in the pane is a script that records `stty -g` before and
# after it and its exit status, and then stays, so the pane outlives it.

command -v tmux >/dev/null || { note "skipped: no tmux"; exit 0; }
unset TMUX
_tmux_n=0
TMUX_SOCK=

# tmux_start COLS ROWS CMD...: CMD in a new pane of COLS x ROWS; its files
# $TEST_DIR/tty.before, tty.after, tty.rc.
tmux_start() {
	local cols=$1 rows=$2 s=$TEST_DIR/pane.sh
	shift 2
	rm -f "$TEST_DIR"/tty.*
	{
		echo '#!/bin/sh'
		echo "stty -g >'$TEST_DIR/tty.before'"
		printf '%q ' "$@"
		echo
		echo "echo \$? >'$TEST_DIR/tty.rc.tmp'"
		echo "stty -g >'$TEST_DIR/tty.after'"
		echo "mv '$TEST_DIR/tty.rc.tmp' '$TEST_DIR/tty.rc'"
		echo 'exec sleep 600'
	} >"$s"
	chmod 755 "$s"
	# a server per pane: a new session on a server being killed can fail
	[ -n "$TMUX_SOCK" ] && tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	_tmux_n=$((_tmux_n + 1))
	TMUX_SOCK=herdt$UNIQ.$_tmux_n
	at_exit "tmux -L '$TMUX_SOCK' kill-server 2>/dev/null"
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" -s t "$s" ||
	    fail "tmux new-session failed"
}

tmux_screen() {
	tmux -L "$TMUX_SOCK" capture-pane -p -t t
}

tmux_keys() {
	tmux -L "$TMUX_SOCK" send-keys -t t "$@"
}

# tmux_wait REGEX SECONDS [WHAT]: until the screen matches REGEX (grep -E).
tmux_wait() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		tmux_screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	fail "${3:-screen}: no \"$1\" within $2 s; the screen:
$(tmux_screen)"
}

# tmux_wait_gone REGEX SECONDS [WHAT]: until the screen no longer matches.
tmux_wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		tmux_screen | grep -qE -- "$1" || return 0
		sleep 0.1
	done
	fail "${3:-screen}: \"$1\" still there after $2 s; the screen:
$(tmux_screen)"
}

# tmux_done SECONDS: until the command in the pane has ended; its status.
tmux_done() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ -f "$TEST_DIR/tty.rc" ] && { cat "$TEST_DIR/tty.rc"; return 0; }
		sleep 0.1
	done
	fail "the command in the pane did not end within $1 s; the screen:
$(tmux_screen)"
}

# tmux_tty_same: stty -g after is what it was before.
tmux_tty_same() {
	cmp -s "$TEST_DIR/tty.before" "$TEST_DIR/tty.after" ||
	    fail "${1:-}: terminal left changed: before $(cat "$TEST_DIR/tty.before"), after $(cat "$TEST_DIR/tty.after" 2>/dev/null)"
}
