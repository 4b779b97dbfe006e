#!/bin/bash
# t_lab_service_share: herd service start --share-with, in lab mode with
# real local users.  Alice's service (python3 -m http.server on its
# --port) shared with bob:
#  1. bob's herd port-forward alice/NAME passes herdd's checks and goes
#     through alice's lab login (her key line, her session): bob's curl
#     gets alice's page; herd show --json lists "share_with": [bob].
#  2. carol's forward (by name and by job id) is refused, naming alice.
#  3. bob may forward to the service's port only, not another of its
#     node's; he may not herd service stop alice/NAME, cancel its job, read its
#     logs or open a shell in it: it still runs and answers.
#  4. --share-with of an unknown user is refused with its name (herdd
#     resolves the list again: test_svc_share); --share-with without
#     --port is refused (a shared user forwards to that port only).
#  5. herd service restart OWNER/NAME: alice's and an admin's (root) are
#     taken, bob's refused.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

command -v curl >/dev/null || fail "curl is needed (scripts/deps installs it)"
A=hsa${UNIQ:0:10} B=hsb${UNIQ:0:10} C=hsc${UNIQ:0:10}
lab_with_users "$A" "$B" "$C"
echo "page of $A $UNIQ" >"$SD/home/$A/index.html"
chown "$A" "$SD/home/$A/index.html"

# Started on a lane just opened (alice's first job on node2): its start
# event may come before her event stream follows; the reconcile that
# follows tells the port then (launch.c's state file).
out=$(as "$A" service start web -w node2 --port --share-with "$B" -- sh -c \
    'exec python3 -m http.server "$HERD_PORT" --bind 127.0.0.1 >>srv.log 2>&1' 2>&1) ||
    fail "$A: herd service start --share-with: $out"
id=$(sed -n 's/^Submitted service web as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd service start printed '$out'"
CONF=$LAB wait_state "$id" RUNNING 30
for ((i = 0; i < 300; i++)); do
	ep=$(as "$B" service ls --json | jq -r ".[] | select(.job == $id) | .endpoints[0] // empty")
	[ -n "$ep" ] && break
	sleep 0.1
done
[[ $ep =~ ^node[0-9]+:[0-9]+$ ]] || fail "$B's herd service ls --json: no endpoint of $A's web: '$ep'
$(as "$B" service ls 2>&1)
$(cat "$SD/home/$A/srv.log" "$SD/home/$A"/herd-*.out 2>&1)"
assert_eq "share_with in herd show --json" "[\"$B\"]" \
    "$(as "$B" show "$id" --json | jq -c '.share_with')"
as "$A" service show web | grep -q "share_with.*$B" ||
    fail "herd service show: $(as "$A" service show web)"

# page_through USER REF: USER's herd port-forward REF in the background;
# the page curl gets through it, then the forward stopped.
page_through() {
	local u=$1 ref=$2 pid i L= page=
	as "$u" port-forward "$ref" >"$TEST_DIR/f$u.out" 2>"$TEST_DIR/f$u.err" </dev/null &
	pid=$!
	at_exit "kill $pid 2>/dev/null"
	for ((i = 0; i < 100; i++)); do
		L=$(sed -n 's/^herd: forwarding 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TEST_DIR/f$u.out")
		[ -n "$L" ] && break
		sleep 0.1
	done
	[ -n "$L" ] || fail "$u's herd port-forward $ref: $(cat "$TEST_DIR/f$u.out" "$TEST_DIR/f$u.err")"
	for ((i = 0; i < 50; i++)); do
		page=$(curl -sS --max-time 5 "http://127.0.0.1:$L/index.html" 2>&1) && break
		sleep 0.2
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$page"
}

# ---- 1. bob's forward through alice's session ----
assert_eq "$A's page through $B's forward" "page of $A $UNIQ" "$(page_through "$B" "$A/web")"
grep -q "GET /index.html" "$SD/home/$A/srv.log" || fail "A's server has no request: $(cat "$SD/home/$A/srv.log")"

# ---- 2. carol is refused ----
for ref in "$A/web" "$id"; do
	out=$(as "$C" port-forward "$ref" 2>&1 </dev/null) && fail "$C's forward to $ref: $out"
	[ "$ref" = "$id" ] || grep -q "job $id is not yours: it belongs to $A" <<<"$out" ||
	    fail "$C's refusal ($ref): $out"
	grep -q forwarding <<<"$out" && fail "$C got a forward ($ref): $out"
done
out=$(as "$C" port-forward "$id" "${ep##*:}" 2>&1 </dev/null) && fail "$C's forward by id: $out"
grep -q "job $id is not yours: it belongs to $A; only its owner, a user it is shared with" \
    <<<"$out" || fail "$C's refusal by id: $out"

# ---- 3. bob may forward, nothing more ----
# Only to the service's --port: another port on the node (here its sshd's,
# or another of alice's servers) is reached through alice's session.
sport=${ep##*:}
for p in 22 $((sport == 65535 ? 65534 : sport + 1)); do
	# (Before this was refused, the forward ran: timeout ends it.)
	out=$(cd "$SD/home/$B" && runuser -u "$B" -- timeout 10 env HOME="$SD/home/$B" \
	    "$SD/bin/herd" -s "$SD/run/herd.sock" port-forward "$id" "$p" 2>&1 </dev/null)
	grep -q forwarding <<<"$out" && fail "$B's forward to $A's job $id port $p: $out"
	grep -q "a user it is shared with may forward to its --port's port ($sport) only" \
	    <<<"$out" || fail "$B's refusal of port $p: $out"
done
out=$(as "$B" service stop "$A/web" 2>&1) && fail "$B stopped $A's service: $out"
grep -q "not yours" <<<"$out" || fail "$B's stop refusal: $out"
out=$(as "$B" cancel "$id" 2>&1) && fail "$B cancelled $A's service: $out"
grep -q "not yours" <<<"$out" || fail "$B's cancel refusal: $out"
out=$(as "$B" service logs "$A/web" 2>&1) && fail "$B read $A's service's logs: $out"
grep -q "not yours" <<<"$out" || fail "$B's logs refusal: $out"
out=$(as "$B" ssh "$id" -- true 2>&1 </dev/null) && fail "$B got a shell in $A's service: $out"
grep -q "only its owner or an admin may open a shell" <<<"$out" || fail "$B's ssh refusal: $out"
assert_eq "$A's service after $B's tries" RUNNING "$(CONF=$LAB field "$id" .state)"
assert_eq "$A's own forward by OWNER/NAME" "page of $A $UNIQ" "$(page_through "$A" "$A/web")"
as "$B" service show "$A/web" | grep -q "share_with.*$B" ||
    fail "$B's herd service show $A/web: $(as "$B" service show "$A/web" 2>&1)"

# ---- 4. unknown users, refused by herd and by herdd ----
# (and --share-with without --port: nothing it could share)
out=$(as "$A" service start web3 --share-with "$B" -- true 2>&1) &&
    fail "--share-with without --port was taken: $out"
grep -q "it needs --port" <<<"$out" || fail "--share-with without --port's refusal: $out"
out=$(as "$A" service start web2 --share-with "$B,nosuch$UNIQ" -- true 2>&1) &&
    fail "--share-with an unknown user was taken: $out"
grep -q "no such user on this machine: \"nosuch$UNIQ\"" <<<"$out" || fail "herd's refusal: $out"
# ---- 5. herd service restart OWNER/NAME: its owner's (and admins'), as
# herd service --help says; not bob's ----
out=$(as "$B" service restart "$A/web" 2>&1) && fail "$B restarted $A's service: $out"
grep -q "only its owner or an admin may restart it" <<<"$out" || fail "$B's restart refusal: $out"
out=$(as "$A" service restart "$A/web" 2>&1) || fail "$A's herd service restart $A/web: $out"
out=$("$SD/bin/herd" -s "$SD/run/herd.sock" service restart "$A/web" 2>&1)
case $out in
*"being restarted already"*|*Restart*|*restart*) ;;
*) fail "an admin's herd service restart $A/web: $out" ;;
esac
grep -q "invalid service name" <<<"$out" && fail "an admin's restart: $out"
as "$A" service stop web >/dev/null || fail "$A could not stop her service"
lab_check_san
