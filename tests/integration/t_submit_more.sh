#!/bin/bash
# t_submit_more: more #SBATCH options herd acts on.  --comment is stored
# and shown (herd show, --json key comment), to another user too, and one
# with a control byte is refused; #SLURM lines are directives; a dependency
# naming a job twice is stored once; -M naming herd's own cluster ("test")
# runs the job, naming another is refused by herdd with nothing queued.

. "$(dirname "$0")/lib.sh"

setup_herdd

# --comment, on the command line and from a script.
c=$(submit --comment 'lr=3e-4 "warm" start' --wrap true)
assert_eq "comment of job $c" 'lr=3e-4 "warm" start' "$(field "$c" .comment)"
herd show "$c" | grep -qx 'comment      lr=3e-4 "warm" start' ||
    fail "herd show $c: no comment line: $(herd show "$c")"
printf '#!/bin/sh\n#SBATCH --comment="from the script"\ntrue\n' >"$TEST_DIR/c.sh"
c2=$(submit "$TEST_DIR/c.sh")
assert_eq "comment of job $c2" "from the script" "$(field "$c2" .comment)"
n=$(submit --wrap true)
assert_eq "comment of job $n (none)" null "$(field "$n" .comment)"
wait_jobs 30 "$c" "$c2" "$n" || fail "jobs $c $c2 $n did not complete"
assert_eq "comment of ended job $c" 'lr=3e-4 "warm" start' "$(field "$c" .comment)"
before=$(herd queue --json)
out=$(herd submit --comment=$'red\e[31m' --wrap true 2>&1)
assert_eq "exit status of a comment with ESC (output: $out)" 2 "$?"
grep -qF 'invalid --comment "red\033[31m": control character in comment' <<<"$out" ||
    fail "comment with ESC: $out"
big=$(printf '%1025s' x)
out=$(herd submit --comment="$big" --wrap true 2>&1)
assert_eq "exit status of a 1025-byte comment" 2 "$?"
grep -qF "comment longer than 1024 bytes" <<<"$out" || fail "long comment: $out"

# #SLURM lines, as sbatch reads them.
printf '#!/bin/sh\n#SLURM --nice=3\n#SLURM -J slurm-line\necho ran\n' >"$TEST_DIR/s.sh"
s=$(submit "$TEST_DIR/s.sh")
wait_jobs 30 "$s" || fail "job $s did not complete"
assert_eq "job $s: [name, nice]" '["slurm-line",3]' "$(show_json "$s" | jq -c '[.name, .nice]')"

# A dependency naming one job twice is one item.
h=$(submit --hold --wrap true)
d=$(submit --dependency="afterany:$h:$h,afterany:$h" --wrap true)
assert_eq "dependency of job $d" "afterany:$h(unfulfilled)" "$(field "$d" .dependency)"
herd cancel "$h" "$d" >/dev/null || fail "herd cancel $h $d failed"

# -M: herd's own cluster runs; another is refused before anything is queued.
m=$(submit -M test --wrap true)
m2=$(submit --clusters=all --wrap true)
printf '#!/bin/sh\n#SBATCH -M test\ntrue\n' >"$TEST_DIR/m.sh"
m3=$(submit "$TEST_DIR/m.sh")
wait_jobs 30 "$m" "$m2" "$m3" || fail "jobs $m $m2 $m3 (-M test) did not complete"
before=$(herd queue --json)
for spell in "-M other" "--clusters=test,other" "--cluster=other"; do
	out=$(herd submit $spell --wrap true 2>&1)
	[ $? -ne 0 ] || fail "herd submit $spell was accepted: $out"
	grep -qF "herd has one cluster, 'test'; job asks for 'other'" <<<"$out" ||
	    fail "herd submit $spell: $out"
done
out=$(herd submit --test-only -M other --wrap true 2>&1) &&
    fail "herd submit --test-only -M other was accepted: $out"
grep -qF "job asks for 'other'" <<<"$out" || fail "--test-only -M other: $out"
printf '#!/bin/sh\n#SBATCH -M other\ntrue\n' >"$TEST_DIR/m2.sh"
out=$(herd submit "$TEST_DIR/m2.sh" 2>&1) && fail "#SBATCH -M other was accepted: $out"
grep -qF "job asks for 'other'" <<<"$out" || fail "#SBATCH -M other: $out"
out=$(herd submit -M 'a;b' --wrap true 2>&1)
assert_eq "exit status of -M 'a;b' (output: $out)" 2 "$?"
assert_eq "the queue after refusing -M other" "$before" "$(herd queue --json)"

assert_idle
