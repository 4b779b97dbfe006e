#!/bin/bash
# t_service_port: herd service start --port runs python3 -m http.server on
# the port herd picked on the node ($HERD_PORT, also $PORT); herd service
# ls shows node:port and curl reaches it there (the test nodes are
# loopback addresses), herd port-forward web reaches it from a local port,
# and herd service logs has its requests.  herdd
# SIGKILLed and started again leaves the service running once, on the same
# port, still answering.

. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (scripts/deps installs it)"
command -v curl >/dev/null || fail "curl is needed (scripts/deps installs it)"
setup_herdd
tag="16$UNIQ"
dir=$WORK/site$tag
mkdir -p "$dir" && echo "served $tag" >"$dir/index.html"

out=$(herd service start web --port -- sh -c \
    'test "$PORT" = "$HERD_PORT" || exit 9; exec python3 -m http.server "$HERD_PORT" --directory "$1"' \
    sh "$dir") || fail "herd service start --port failed: $out"
id=$(sed -n 's/^Submitted service web as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd service start printed '$out'"
wait_state "$id" RUNNING 30

# node:port once the runner has said it (the start event carries it).
ep=
for ((i = 0; i < 100; i++)); do
	ep=$(herd service ls --json | jq -r '.[] | select(.name == "web") | .endpoints[0] // empty')
	[ -n "$ep" ] && break
	sleep 0.1
done
[[ $ep =~ ^node[0-9]+:[0-9]+$ ]] || fail "herd service ls --json endpoint: '$ep'"
node=${ep%%:*} port=${ep##*:}
assert_eq "herd show's port" "$port" "$(field "$id" .port)"
host=$(awk -v n="[node $node]" '$0 == n { f = 1; next } f && /^host *=/ { print $3; exit }' "$HOSTS")
[ -n "$host" ] || fail "no host for $node in $HOSTS"
herd service ls | grep -q "^web .*RUNNING.* $ep " || fail "herd service ls: $(herd service ls)"
# herd queue's service columns (and none for a batch job).
assert_eq "herd queue --format of the service" "$id service web 0 - $ep" \
    "$(herd queue -h --format id,kind,service,restarts,health,endpoint -j "$id" | tr -s ' ' | sed 's/ $//')"

get() {	# the page, retried while the server comes up
	local i body
	for ((i = 0; i < 100; i++)); do
		body=$(curl -s --max-time 2 "http://$host:$port/index.html") && { echo "$body"; return 0; }
		sleep 0.1
	done
	return 1
}
assert_eq "curl http://$ep (at $host)" "served $tag" "$(get)"

# herdd killed and started again: the service runs once, same port.
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
sleep 3
assert_eq "state after herdd's restart" "RUNNING 1" "$(field "$id" '"\(.state) \(.attempt)"')"
assert_eq "servers running" 1 "$(pgrep -fc -- "http.server.*site$tag")"
assert_eq "ls endpoint after herdd's restart" "$ep" "$(herd service ls --json |
    jq -r '.[] | select(.name == "web") | .endpoints[0]')"
assert_eq "curl after herdd's restart" "served $tag" "$(get)"

# Its output is its job's (http.server logs each request to stderr).
for ((i = 0; i < 50; i++)); do
	herd service logs web 2>/dev/null | grep -q '"GET /index.html' && break
	sleep 0.1
done
herd service logs web | grep -q '"GET /index.html' ||
    fail "herd service logs web lacks the request: $(herd service logs web 2>&1 | tail -3)"

# herd port-forward NAME: a local port to the service's own, by its name.
fwd_start "to job $id on $node port $port;.*" web
fpid=$FWD_PID lp=$FWD_PORT
assert_eq "curl through herd port-forward web" "served $tag" \
    "$(curl -s --max-time 5 "http://127.0.0.1:$lp/index.html")"
kill -INT "$fpid"; wait "$fpid"
herd port-forward nosuch 2>"$TEST_DIR/ns.err"; rc=$?
assert_eq "herd port-forward of no service: status" 1 "$rc"
grep -q "no running service named nosuch" "$TEST_DIR/ns.err" || fail "herd port-forward nosuch said: $(cat "$TEST_DIR/ns.err")"

herd service stop web >/dev/null || fail "herd service stop web failed"
wait_gone "http.server.*site$tag" 15 || fail "the server still runs after herd service stop"
sleep 2
assert_idle
