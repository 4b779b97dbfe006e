#!/bin/bash
# t_completion: herd completion bash|zsh, loaded in a real bash (complete -p
# herd; _herd driven through COMP_WORDS/COMP_CWORD) and a real zsh
# (compinit, then _herd driven through words/CURRENT/PREFIX with compadd
# and _describe recording what they are given); and the command table
# (herd help), herd(1) and the completion agree: every command has its
# section in herd(1), and every option the completion offers is documented
# there (submit's anywhere in the page; -h/--help by the COMMANDS preamble).

. "$(dirname "$0")/lib.sh"

H=$HERD_BIN/herd
MAN=$REPO/man/herd.1
"$H" completion bash >"$TEST_DIR/herd.bash" || fail "herd completion bash exited $?"
"$H" completion zsh >"$TEST_DIR/_herd" || fail "herd completion zsh exited $?"
out=$("$H" completion fish 2>&1); rc=$?
assert_eq "herd completion fish: status" 2 "$rc"
grep -q "bash or zsh" <<<"$out" || fail "herd completion fish: no reason given: $out"

# --- bash: what _herd offers for a command line (words; the last is completed).
bcomp() {
	PATH=$HERD_BIN:$PATH bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_herd; printf "%s\n" "${COMPREPLY[@]}"' bcomp "$TEST_DIR/herd.bash" "$@"
}
out=$(bash --norc -c "source '$TEST_DIR/herd.bash'; complete -p herd")
assert_eq "complete -p herd" "complete -o filenames -F _herd herd" "$out"
assert_eq "herd qu<Tab>" "queue" "$(bcomp herd qu)"
assert_eq "herd -c x.ini can<Tab>" "cancel" "$(bcomp herd -c x.ini can)"
assert_eq "herd queue --sta<Tab>" "$(printf '%s\n' --states --state --start)" "$(bcomp herd queue --sta)"
assert_eq "herd help dr<Tab>" "drain" "$(bcomp herd help dr)"
assert_eq "herd completion <Tab>" "$(printf 'bash\nzsh')" "$(bcomp herd completion '')"
assert_eq "herd --ver<Tab>" "--version" "$(bcomp herd --ver)"
bcomp herd submit --gpu | grep -qx -- --gpu-mem || fail "herd submit --gpu<Tab> lacks --gpu-mem"
[ -z "$(bcomp herd submit --versi)" ] || fail "herd submit offers --version, which it refuses"
mkdir -p "$WORK" && touch "$WORK/trace.swf"
out=$(cd "$WORK" && bcomp herd sim --policy tr)
assert_eq "herd sim --policy tr<Tab> (a file after a valued option)" "trace.swf" "$out"

# --- zsh, where installed (scripts/deps installs it).
if command -v zsh >/dev/null; then
	zcomp() {
		PATH=$HERD_BIN:$PATH zsh -f -c '
			autoload -U compinit; compinit -u -d "$1.zcompdump"
			source "$1"; shift
			[[ $_comps[herd] == _herd ]] || { print "not registered: $_comps[herd]"; exit 1; }
			compadd() { [[ $1 == -- ]] && shift; print -rl -- ${(M)@:#${PREFIX}*}; }
			_describe() { local -a l; l=(${(P)2}); print -rl -- ${(M)${l%%:*}:#${PREFIX}*}; }
			_files() { print -r -- "(files)"; }
			words=("$@"); CURRENT=$#; PREFIX=$words[CURRENT]
			_herd' zcomp "$TEST_DIR/_herd" "$@"
	}
	assert_eq "zsh: herd qu<Tab>" "queue" "$(zcomp herd qu)"
	assert_eq "zsh: herd -s S can<Tab>" "cancel" "$(zcomp herd -s S can)"
	assert_eq "zsh: herd queue --sta<Tab>" "$(printf '%s\n' --states --state --start)" \
		"$(zcomp herd queue --sta)"
	assert_eq "zsh: herd wait --timeout <Tab>" "(files)" "$(zcomp herd wait --timeout '')"
	zcomp herd submit --gpu | grep -qx -- --gpu-mem || fail "zsh: herd submit --gpu<Tab> lacks --gpu-mem"
	zsh -n "$TEST_DIR/_herd" || fail "zsh -n: the zsh script does not parse"
else
	note "zsh not installed: its completion not loaded (scripts/deps installs it)"
fi

# --- The command table, herd(1) and the completion agree.
table=$("$H" help | sed -n '/^commands:$/,/^$/p' | awk 'NF > 1 { print $1 }')
[ "$(wc -l <<<"$table")" -ge 20 ] || fail "herd help lists too few commands: $table"
assert_eq "commands herd help lists and the completion offers" \
	"$(printf 'help\nversion\n%s' "$table" | sort)" "$(bcomp herd '' | sort)"
preamble=$(sed -n '/^\.SH COMMANDS/,/^\.SS /p' "$MAN")
for w in '\\-\\-help' '\\-h'; do
	grep -q -- "$w" <<<"$preamble" || fail "herd(1) COMMANDS no longer says every command takes $w"
done
missing=
for c in $table; do
	grep -q "^\.SS herd $c\( \|$\)" "$MAN" || { missing+=" section:$c"; continue; }
	# An alias's options are its command's (herd acct is herd history).
	d=$c
	[ "$c" = acct ] && d=history
	# herd alloc and herd run take submit's options (its section has them).
	if [ "$c" = submit ] || [ "$c" = alloc ] || [ "$c" = run ]; then sec=$(cat "$MAN")
	else sec=$(awk -v c="$d" '$0 ~ "^\\.SS herd " c "( |$)" { p = 1; next }
		p && /^\.S[SH] / { p = 0 } p' "$MAN"); fi
	for o in $(bcomp herd "$c" -); do
		case $o in -h|--help) [ "$c" != queue ] && continue ;; esac
		grep -q -- "${o//-/\\\\-}\\b" <<<"$sec" || missing+=" $c:$o"
	done
done
[ -z "$missing" ] || fail "in the command table and the completion but not in herd(1):$missing"
