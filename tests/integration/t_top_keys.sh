#!/bin/bash
# t_top_keys: herd top's live view used as a person uses it, in tmux at
# 80x24 and at 160x40: j/k and the arrows move the ">" over the queue and
# Enter shows the selected job (herd show's page, any key returns); l shows
# its log; c then n keeps the job, c then y cancels it (herd queue
# confirms); a resize re-lays the frame at the new width; q and SIGTERM
# leave the terminal as stty -g found it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmuxlib.sh"

setup_herdd

# Three jobs that wait an hour (their order in the queue is their ids').
a=$(submit --begin now+1hour --job-name topa$UNIQ --wrap "true")
b=$(submit --begin now+1hour --job-name topb$UNIQ --wrap "true")
c=$(submit --gpus 1 --time 10:00 --job-name topc$UNIQ --wrap "echo log-of-c-$UNIQ; sleep 97$UNIQ")
wait_state "$c" RUNNING 30

for size in "80 24" "160 40"; do
	set -- $size
	cols=$1
	tmux_start "$1" "$2" env COLUMNS= LINES= "$HERD_BIN/herd" -c "$HOSTS" top
	tmux_wait "^>$a +" 20 "$size: first job selected"
	tmux_keys j
	tmux_wait "^>$b +" 10 "$size: j"
	tmux_keys Down
	tmux_wait "^>$c +" 10 "$size: the down arrow"
	tmux_keys Up k
	tmux_wait "^>$a +" 10 "$size: up arrow and k"
	tmux_keys j Enter
	tmux_wait "topb$UNIQ" 10 "$size: Enter on $b"
	tmux_wait "any key returns" 5 "$size: Enter's page"
	scr=$(tmux_screen)
	grep -q "topa$UNIQ" <<<"$scr" && fail "$size: Enter on $b shows $a: $scr"
	tmux_keys x
	tmux_wait "^>$b +" 10 "$size: a key returns from the page"
	tmux_keys j l
	tmux_wait "log-of-c-$UNIQ" 10 "$size: l on $c"
	tmux_keys x
	tmux_wait "^>$c +" 10 "$size: back from the log"
	# every line fits the width
	w=$(tmux_screen | LC_ALL=C.UTF-8 wc -L)
	[ "$w" -le "$cols" ] || fail "$size: a line of $w columns"
	tmux_keys q
	rc=$(tmux_done 10)
	[ "$rc" = 0 ] || fail "$size: herd top after q: status $rc"
	tmux_tty_same "$size, q"
done

# c asks; n keeps the job, y cancels it.
tmux_start 80 24 env COLUMNS= LINES= "$HERD_BIN/herd" -c "$HOSTS" top
tmux_wait "^>$a +" 20 "c: first job selected"
tmux_keys c
tmux_wait "Cancel job $a\? \[y/N\]" 10 "c asks"
tmux_keys n
tmux_wait "job $a not cancelled" 10 "c then n"
[ "$(field "$a" .state)" = PENDING ] || fail "c then n: job $a is $(field "$a" .state)"
tmux_keys c
tmux_wait "Cancel job $a\? \[y/N\]" 10 "c asks again"
tmux_keys y
wait_state "$a" CANCELLED 15
herd queue | grep -q "^ *$a " && fail "c then y: $a still in herd queue"
tmux_wait_gone "topa$UNIQ +PENDING" 10 "c then y: $a pending on the screen"

# A resize re-lays the frame at the new size: the wide header's columns
# come back, nothing is wider than the terminal.
tmux -L "$TMUX_SOCK" resize-window -t t -x 60 -y 20
tmux_wait "^herd top" 10 "after the resize"
sleep 3	# a refresh at the new size
w=$(tmux_screen | LC_ALL=C.UTF-8 wc -L)
[ "$w" -le 60 ] || fail "resize to 60 columns: a line of $w columns: $(tmux_screen)"
tmux -L "$TMUX_SOCK" resize-window -t t -x 150 -y 40
tmux_wait "TIME/START +REASON" 10 "resize to 150: the full queue header"

# SIGTERM: the terminal restored all the same.
pid=$(pgrep -f -n "herd -c $HOSTS top") || fail "no herd top running"
kill -TERM "$pid"
rc=$(tmux_done 10)
tmux_tty_same "SIGTERM"
herd cancel "$b" "$c" >/dev/null
