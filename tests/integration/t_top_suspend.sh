#!/bin/bash
# t_top_suspend: Ctrl-Z in herd top's live view (ISIG is on, so it is
# SIGTSTP) gives the shell its terminal back as it was (the alternate
# screen left, the cursor shown, the modes restored) and fg brings the
# view back whole and working (raw keys again: j moves without Enter);
# q then leaves the terminal as stty -g found it.  An interactive bash in
# tmux is the user's shell.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmuxlib.sh"

setup_herdd

a=$(submit --begin now+1hour --job-name susa$UNIQ --wrap "true")
b=$(submit --begin now+1hour --job-name susb$UNIQ --wrap "true")

flag() { tmux -L "$TMUX_SOCK" display-message -p -t t "#{$1}"; }

TMUX_SOCK=herdt$UNIQ.s
at_exit "tmux -L '$TMUX_SOCK' kill-server 2>/dev/null"
tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 100 -y 30 -s t \
    env PS1='herd-sh$ ' HOME="$TEST_DIR" bash --norc --noprofile -i ||
    fail "tmux new-session failed"
tmux_wait 'herd-sh\$' 10 "the shell"
tmux_keys "stty -g >'$TEST_DIR/tty.before'; COLUMNS= LINES= '$HERD_BIN/herd' -c '$HOSTS' top" Enter
tmux_wait "^>$a +" 20 "herd top's first job selected"
[ "$(flag alternate_on)" = 1 ] || fail "herd top not on the alternate screen"

tmux_keys C-z
tmux_wait 'Stopped' 10 "the shell after Ctrl-Z"
[ "$(flag alternate_on)" = 0 ] || fail "Ctrl-Z: the alternate screen still up: $(tmux_screen)"
[ "$(flag cursor_flag)" = 1 ] || fail "Ctrl-Z: the cursor still hidden"

tmux_keys "fg" Enter
tmux_wait "^>$a +" 10 "fg: the view back"
[ "$(flag alternate_on)" = 1 ] || fail "fg: not on the alternate screen"
tmux_keys j
tmux_wait "^>$b +" 10 "fg: j without Enter (raw keys again)"
tmux_keys q
tmux_wait 'herd-sh\$ *$' 10 "the shell after q"
tmux_keys "stty -g >'$TEST_DIR/tty.after'" Enter
for ((i = 0; i < 50; i++)); do [ -s "$TEST_DIR/tty.after" ] && break; sleep 0.1; done
tmux_tty_same "Ctrl-Z, fg, q"
[ "$(flag alternate_on)" = 0 ] || fail "q: the alternate screen still up"
[ "$(flag cursor_flag)" = 1 ] || fail "q: the cursor hidden"
herd cancel "$a" "$b" >/dev/null
