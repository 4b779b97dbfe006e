#!/bin/bash
# t_top_mine: u in herd top's live view shows only the jobs of whoever runs
# it.  Lab mode with two real users: A runs herd top in tmux (80x24) and
# sees her job and B's; after u only hers, and the bottom line offers all
# jobs back; u again shows B's job again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lablib.sh"
. "$(dirname "$0")/tmuxlib.sh"

A=tma${UNIQ:0:10} B=tmb${UNIQ:0:10}
lab_with_users "$A" "$B"
ja=$(as "$A" submit --parsable --begin now+1hour --job-name mine-of-a --wrap true) ||
    fail "$A: submit: $ja"
jb=$(as "$B" submit --parsable --begin now+1hour --job-name theirs-b --wrap true) ||
    fail "$B: submit: $jb"

tmux_start 80 24 runuser -u "$A" -- env HOME="$SD/home/$A" COLUMNS= LINES= \
    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
    UBSAN_OPTIONS=print_stacktrace=1:log_path="$SD/san/herd" \
    "$SD/bin/herd" -s "$SD/run/herd.sock" top
tmux_wait "theirs-b" 20 "everyone's jobs at first"
tmux_wait "mine-of-a" 5 "everyone's jobs at first"
tmux_keys u
tmux_wait "u all jobs" 10 "after u"
tmux_wait_gone "theirs-b" 10 "after u: B's job"
tmux_wait "mine-of-a" 5 "after u: A's job"
tmux_keys u
tmux_wait "theirs-b" 10 "after u again: B's job"
tmux_keys q
rc=$(tmux_done 10)
[ "$rc" = 0 ] || fail "herd top after q: status $rc"
tmux_tty_same "q"
as "$A" cancel "$ja" >/dev/null
as "$B" cancel "$jb" >/dev/null
lab_check_san
