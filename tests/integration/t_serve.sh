#!/bin/bash
# t_serve: replays README's "Serving a model and opening a notebook" on the
# test cluster, line by line as a person types them.  tests/integration/bin
# holds stand-ins for vllm and jupyter (HTTP servers that answer as those
# do), on PATH at submit and so in the service's environment on the node.
# What the README says stands for what the test gets: free local ports for
# 8000 and 8888; a line ending in & runs in the background until the test
# ends.  Each line must succeed, and what it is there to show is checked:
# both replicas up and answering, a curl loop that never fails while the
# rolling restart runs (both replicas on their second attempt after it),
# the notebook's token from its log opening it through the forward.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (scripts/deps installs it)"
command -v curl >/dev/null || fail "curl is needed (scripts/deps installs it)"
README=$REPO/README.md
sec=$(awk '/^## Serving a model and opening a notebook$/ { on = 1; next } /^## / { on = 0 } on' "$README")
[ -n "$sec" ] || fail "README has no \"Serving a model and opening a notebook\" section"
# The console block's commands, a line ending in \ joined with the next.
mapfile -t lines < <(awk '/^```console$/ { on = 1; next } /^```$/ { on = 0 }
	on && cont { sub(/^ +/, ""); cmd = cmd " " $0 } on && !cont && /^\$ / { cmd = substr($0, 3) }
	on && (cont || /^\$ /) { cont = sub(/ *\\$/, "", cmd); if (!cont) print cmd }' <<<"$sec")
[ "${#lines[@]}" -ge 8 ] || fail "README's walk-through has ${#lines[@]} command lines"

setup_herdd
export HERD_CONFIG=$HOSTS PATH=$REPO/tests/integration/bin:$HERD_BIN:$PATH
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
P8000=$(free_port) P8888=$(free_port)
bg=()
at_exit 'for p in "${bg[@]}"; do kill "$p" 2>/dev/null; done'

# The service's replicas: "ID STATE ATTEMPT" a line.
replicas() {
	herd queue --json | jq -r --arg s "$1" '.[] | select(.service == $s) |
	    "\(.id) \(.state) \(.attempt)"'
}
# up NAME: how many of its replicas are up, as herd service ls says.
up() {
	herd service ls --json | jq -r --arg s "$1" '.[] | select(.name == $s) | .replicas_up'
}
# wait_up NAME N SECONDS: N replicas of NAME up (RUNNING and healthy).
wait_up() {
	local i up=
	for ((i = 0; i < $3 * 10; i++)); do
		up=$(up "$1")
		[ "$up" = "$2" ] && return 0
		sleep 0.1
	done
	herd service ls >&2
	fail "service $1: $2 replicas up expected within $3 s, got '$up'"
}
# fwd_wait FILE: the forward has said its line.
fwd_wait() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q "^herd: forwarding 127\.0\.0\.1:" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "the forward did not start: $(cat "$1" "$1.err" 2>&1)"
}

n=0 loop= token=
for raw in "${lines[@]}"; do
	n=$((n + 1))
	line=${raw//8000/$P8000}
	line=${line//8888/$P8888}
	out=$TEST_DIR/line.$n
	note "serve $n: $raw"
	case $line in
	*" &")
		bash -c "exec ${line% &}" >"$out" 2>"$out.err" &
		bg+=("$!")
		fwd_wait "$out" ;;
	"herd service restart "*)
		# A user's curl loop, through the forward, while the roll runs.
		( fails=0 ok=0
		  while [ ! -e "$TEST_DIR/loop.stop" ]; do
			if curl -sf --max-time 5 "http://127.0.0.1:$P8000/v1/models" >/dev/null; then
				ok=$((ok + 1))
			else
				fails=$((fails + 1))
			fi
			sleep 0.1
		  done
		  echo "$ok $fails" >"$TEST_DIR/loop.out" ) &
		loop=$!
		timeout 60 bash -c "$line" >"$out" 2>"$out.err" ||
		    fail "serve $n: '$raw' exited $?: $(tail -5 "$out.err")" ;;
	*)
		timeout 60 bash -c "$line" >"$out" 2>"$out.err" ||
		    fail "serve $n: '$raw' exited $?: $(tail -5 "$out.err")" ;;
	esac
	case $raw in
	"herd service start llama "*)
		grep -q "^Submitted service llama" "$out" || fail "service start printed: $(cat "$out")"
		wait_up llama 2 60 ;;
	"herd service ls"*)
		grep -q "^llama .* 2/2 " "$out" || fail "herd service ls: $(cat "$out")" ;;
	"curl "*)
		grep -q '"id": "meta-llama/Llama-3.1-8B"' "$out" || fail "curl: $(cat "$out")" ;;
	"herd service restart "*)
		# Both replicas on their second attempt and up again, then the loop ends.
		for ((i = 0; i < 900; i++)); do
			[ "$(replicas llama | awk '$2 == "RUNNING" && $3 == 2' | wc -l)" = 2 ] &&
			    [ "$(up llama)" = 2 ] && break
			sleep 0.1
		done
		[ "$(replicas llama | awk '$2 == "RUNNING" && $3 == 2' | wc -l)" = 2 ] ||
		    fail "after the rolling restart: $(replicas llama)"
		touch "$TEST_DIR/loop.stop"
		wait "$loop"
		read -r ok fails <"$TEST_DIR/loop.out"
		note "curl loop during the rolling restart: $ok answered, $fails failed"
		[ "$fails" = 0 ] || fail "the curl loop saw $fails failures during the rolling restart"
		[ "$ok" -gt 0 ] || fail "the curl loop never got an answer" ;;
	"herd service logs llama "*)
		grep -q "GET /v1/models" "$out" || fail "logs of replica 1: $(cat "$out")" ;;
	"herd service start nb "*)
		grep -q "^Submitted service nb" "$out" || fail "service start printed: $(cat "$out")"
		wait_up nb 1 60 ;;
	"herd service logs nb "*)
		token=$(sed -n 's/.*lab?token=\([0-9a-f]*\).*/\1/p' "$out" | head -1)
		[ -n "$token" ] || fail "no token in the notebook's log: $(cat "$out")"
		curl -sf --max-time 5 "http://127.0.0.1:$P8888/lab?token=$token" | grep -q JupyterLab ||
		    fail "the notebook through the forward did not answer" ;;
	"herd service stop nb"*)
		for ((i = 0; i < 100; i++)); do
			[ -z "$(replicas nb)" ] && break
			sleep 0.1
		done
		[ -z "$(replicas nb)" ] || fail "nb still queued after stop: $(replicas nb)" ;;
	esac
done
[ -n "$token" ] || fail "the walk-through never opened the notebook"
[ -n "$loop" ] || fail "the walk-through has no rolling restart"
herd service stop llama >/dev/null || fail "herd service stop llama"
