#!/bin/bash
# t_scontrol_many: scontrol hold and release take any number of job ids,
# as Slurm's do: a list of more than 1024 job ids (a script's
# `scontrol hold $(squeue -h -o %i ...)`) holds every job named, not the
# first 1024 and the rest silently left.

. "$(dirname "$0")/lib.sh"

setup_herdd
export HERD_CONFIG=$HOSTS
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
ln -s "$HERD_BIN/herd" "$SB/scontrol" || fail "cannot link $SB/scontrol"

a=$(submit --begin now+1hour --wrap true)
b=$(submit --begin now+1hour --wrap true)
# 1100 words: job a named over and over, then job b last.
words=$(for ((i = 0; i < 1100; i++)); do echo "$a"; done)
out=$("$SB/scontrol" hold $words "$b" 2>&1)
r=$(field "$b" .reason)
[[ $r == JobHeldUser || $r == JobHeldAdmin ]] || fail "job $b after 1100 ids: reason $r ($out)"
"$SB/scontrol" release $words "$b" >/dev/null 2>&1
r=$(field "$b" .reason)
[[ $r == JobHeld* ]] && fail "job $b after 1100 ids released: reason $r"
herd cancel "$a" "$b" >/dev/null
