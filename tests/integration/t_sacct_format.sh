#!/bin/bash
# t_sacct_format: sacct's -o given more than once adds fields, as Slurm
# 22.05's sacct appends each -o to its field list (options.c: "%s,"):
# `sacct -o JobID -o State` prints both, not State alone; an -o list past
# sacct's length bound is refused, not cut.

. "$(dirname "$0")/lib.sh"

setup_herdd
export HERD_CONFIG=$HOSTS
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
ln -s "$HERD_BIN/herd" "$SB/sacct" || fail "cannot link $SB/sacct"

held=$(submit --hold --job-name two-o --wrap true)
assert_eq "sacct -o JobID -o State" "$held|PENDING" \
    "$("$SB/sacct" -j "$held" -n -P -o JobID -o State)"
assert_eq "sacct -o JobID,JobName -o State" "$held|two-o|PENDING" \
    "$("$SB/sacct" -j "$held" -n -P -o JobID,JobName -o State)"
long=$(printf 'JobID,%.0s' $(seq 1 200))
out=$("$SB/sacct" -j "$held" -n -P -o "$long" -o State 2>&1) && fail "an -o past the bound taken: $out"
grep -q 'longer than' <<<"$out" || fail "an -o past the bound: $out"
herd cancel "$held" >/dev/null
