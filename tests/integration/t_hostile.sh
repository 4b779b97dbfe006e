#!/bin/bash
# t_hostile: a job name, working directory, script argument and environment
# variable made of shell metacharacters, quotes, command substitutions, a
# newline, a tab, non-ASCII and (in the directory) terminal escapes reach
# the job byte for byte, run nothing on the way, and do not break herd's
# line-per-field output.

. "$(dirname "$0")/lib.sh"

setup_herdd

P=/tmp/herd-pwned-$UNIQ     # every payload touches a file named from this
S=$TEST_DIR/pwned-$UNIQ
# Names may hold newlines and tabs, no other control characters.
name="n'a\"m \$(touch $P-n1) \`touch $P-n2\`; touch $P-n3 | \$(touch $S-n4) é日本
second line	tab \\ \${HOME} %j %x"
# Script arguments may hold anything but NUL.
arg="a'r\"g \$(touch $P-a1) \`touch $P-a2\`; touch $P-a3 & \$(touch $S-a4) é日本
line2	\\n $'\e[31m' \$((1+1)) * ? [a] ~ - --"
# A directory name cannot hold "/": relative payloads, looked for below in
# every directory a command might run in.
dirname_="d'i\"r \$(touch pwned-$UNIQ-d1) \`touch pwned-$UNIQ-d2\`; touch pwned-$UNIQ-d3 é日本
nl	tab $'\e[2J\e[31m'red$'\r'cr"
HD=$TEST_DIR/$dirname_
mkdir -p "$HD" "$TEST_DIR/out" || fail "cannot make the hostile directory"

cat >"$TEST_DIR/hostile.sh" <<'EOF'
#!/bin/sh
# hostile.sh ARG OUTDIR: record what the job saw, then wait for "go".
printf '%s' "$1" >"$2/arg"
printf '%s' "$PWD" >"$2/pwd"
printf '%s' "$SLURM_JOB_NAME" >"$2/name"
printf '%s' "$HERD_JOB_NAME" >"$2/herdname"
printf '%s' "$#" >"$2/argc"
printf '%s' "$HOSTILE_ENV" >"$2/env"
i=0
while [ ! -e "$2/go" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
echo done
EOF
chmod +x "$TEST_DIR/hostile.sh"

# A plain job, to know how many lines herd show prints.
plain=$(submit --wrap true)
wait_jobs 30 "$plain" || fail "plain job $plain failed"
lines=$(herd show "$plain" | wc -l)

# The submitter's environment travels too, odd names included.
envval="e'n\"v \$(touch $P-e1) \`touch $P-e2\`; touch $P-e3
é日本	x"
id=$(HOSTILE_ENV=$envval env "BAD-NAME=\$(touch $P-e4)" "$HERD_BIN/herd" -c "$HOSTS" \
    submit --parsable -J "$name" -D "$HD" "$TEST_DIR/hostile.sh" "$arg" "$TEST_DIR/out") ||
    fail "submit of the hostile job failed"
wait_file "$TEST_DIR/out/argc" 20

# While it runs: one line per job in herd queue, no raw control bytes.
q=$(herd queue) || fail "herd queue failed"
assert_eq "lines of herd queue with the hostile job (header + 1)" 2 "$(printf '%s\n' "$q" | wc -l)"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$q"; then
	fail "herd queue printed raw control characters: $(cat -v <<<"$q")"
fi
touch "$TEST_DIR/out/go"
wait_jobs 30 "$id" || fail "hostile job $id did not complete: $(herd show "$id" | cat -v)"

assert_file_is "$TEST_DIR/out/argc" 2
assert_file_is "$TEST_DIR/out/arg" "$arg"
assert_file_is "$TEST_DIR/out/pwd" "$HD"
assert_file_is "$TEST_DIR/out/name" "$name"
assert_file_is "$TEST_DIR/out/herdname" "$name"
assert_file_is "$TEST_DIR/out/env" "$envval"
assert_file_is "$HD/herd-$id.out" "done
"
assert_eq "name in herd show --json" "$name" "$(field "$id" .name)"
assert_eq "workdir in herd show --json" "$HD" "$(field "$id" .workdir)"
assert_eq "stdout in herd show --json" "$HD/herd-$id.out" "$(field "$id" .stdout)"

for cmd in "show $id" "history"; do
	# shellcheck disable=SC2086
	out=$(herd $cmd) || fail "herd $cmd failed"
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$out"; then
		fail "herd $cmd printed raw control characters: $(cat -v <<<"$out")"
	fi
done
assert_eq "lines of herd show $id (as for a plain job)" "$lines" "$(herd show "$id" | wc -l)"
assert_eq "lines of herd history (header + 2 jobs)" 3 "$(herd history | wc -l)"

# Nothing was run: no payload file anywhere a command could have run.
found=$(find /tmp "$TC_DIR" "$HOME" / -maxdepth 1 -name "*pwned-$UNIQ-*" 2>/dev/null;
    find "$TC_DIR" "$TEST_DIR" -name "pwned-$UNIQ-*" 2>/dev/null;
    ls -d "$P"-* "$S"-* 2>/dev/null)
[ -z "$found" ] || fail "payloads ran: $found"

# Control characters other than newline and tab are refused in names.
for bad in $'esc\e[31m' $'cr\r' $'del\x7f'; do
	herd submit -J "$bad" --wrap true >/dev/null 2>&1 &&
	    fail "herd submit -J $(printf %q "$bad") was accepted"
done
assert_idle
