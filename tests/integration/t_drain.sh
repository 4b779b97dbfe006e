#!/bin/bash
# t_drain: herd drain and herd resume in lab mode, with real users.  A user
# who is no admin is refused; an unknown name refuses the whole command and
# changes nothing; an admin drains the node a user's job runs on: the node
# shows DRAINING (the job runs on), new jobs all go to the other node, and
# once the job ends it shows DRAINED with the reason, who and when.  A
# restart of herdd keeps it drained, and so does removing it from hosts.ini
# and adding it back.  With both nodes drained a new job
# waits (ReqNodeNotAvail) and starts on the node the admin resumes.  Every
# drain and resume is in herd audit, with no job.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lablib.sh"

A=hda${UNIQ:0:10}
M=hdm${UNIQ:0:10}
mkuser "$A"
mkuser "$M"
lab_config "admins = $M"
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$M"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done

node_field() {	# node_field NODE JQ-FIELD
	CONF=$LAB herd nodes --json | jq -r ".[] | select(.name == \"$1\") | $2"
}
wait_node_state() {	# wait_node_state NODE STATE SECONDS
	local i st=
	for ((i = 0; i < $3 * 10; i++)); do
		st=$(node_field "$1" .state)
		[ "$st" = "$2" ] && return 0
		sleep 0.1
	done
	CONF=$LAB herd nodes >&2
	fail "node $1: expected state $2 within $3 s, got $st"
}

# A job of A's runs on node X; Y is the other.
tag="d.$UNIQ"
jrun=$(as "$A" submit --parsable --wrap "sleep 300 # $tag") || fail "$A: submit: $jrun"
CONF=$LAB wait_state "$jrun" RUNNING 30
X=$(CONF=$LAB field "$jrun" .node)
case $X in node1) Y=node2 ;; node2) Y=node1 ;; *) fail "job $jrun runs on \"$X\"" ;; esac

# ---- who may: not A; an unknown name changes nothing ----
out=$(as "$A" drain "$X" --reason "mine now" 2>&1) && fail "$A (no admin) drained $X: $out"
grep -q "only admins may drain or resume nodes" <<<"$out" || fail "$A's refusal: $out"
out=$(as "$A" resume "$X" 2>&1) && fail "$A (no admin) resumed $X: $out"
grep -q "only admins may drain or resume nodes" <<<"$out" || fail "$A's resume refusal: $out"
out=$(as "$M" drain "$X" nosuch --reason x 2>&1) && fail "a drain of nosuch succeeded: $out"
grep -q "no node nosuch" <<<"$out" || fail "the refusal of nosuch: $out"
assert_eq "state of $X after refused drains (its job runs)" MIXED "$(node_field "$X" .state)"

# ---- M drains X: DRAINING while A's job runs, and no new job goes there ----
out=$(as "$M" drain "$X" --reason "disk swap" 2>&1) || fail "$M could not drain $X: $out"
assert_eq "state of $X drained with a job" DRAINING "$(node_field "$X" .state)"
reason=$(node_field "$X" .reason)
case $reason in
"disk swap [$M@"*"]") ;;
*) fail "reason of the drained $X: $reason" ;;
esac
assert_eq "state of $jrun on the drained node" RUNNING "$(CONF=$LAB field "$jrun" .state)"
for i in 1 2 3 4; do
	j=$(as "$A" submit --parsable --wrap true) || fail "$A: submit: $j"
	CONF=$LAB wait_state "$j" COMPLETED 30
	assert_eq "node of job $j, submitted after $X was drained" "$Y" \
	    "$(CONF=$LAB field "$j" .node)"
done

# ---- the job ends: DRAINED, and so after a restart ----
out=$(as "$A" cancel "$jrun" 2>&1) || fail "$A: cancel: $out"
CONF=$LAB wait_state "$jrun" CANCELLED 30
wait_node_state "$X" DRAINED 30
stop_herdd "$HERDD_PID"
start_svc
wait_node_state "$Y" IDLE 30
wait_node_state "$X" DRAINED 30
assert_eq "reason of $X after a restart" "$reason" "$(node_field "$X" .reason)"

# ---- removed from hosts.ini and added back: still drained ----
sed -i "/^\[node $X\]/,+1d" "$LAB"
out=$(CONF=$LAB herd reconfigure 2>&1) || fail "reconfigure without $X: $out"
for ((i = 0; i < 100; i++)); do
	[ -z "$(node_field "$X" .state)" ] && break
	sleep 0.1
done
[ -z "$(node_field "$X" .state)" ] || fail "$X is still listed after its removal"
lab_config "admins = $M"
out=$(CONF=$LAB herd reconfigure 2>&1) || fail "reconfigure with $X again: $out"
wait_node_state "$X" DRAINED 30
assert_eq "reason of $X added back" "$reason" "$(node_field "$X" .reason)"

# ---- both drained: a job waits; the resumed node takes it ----
out=$(as "$M" drain "$Y" 2>&1) || fail "$M could not drain $Y: $out"
wait_node_state "$Y" DRAINED 10
jw=$(as "$A" submit --parsable --wrap true) || fail "$A: submit: $jw"
sleep 2
assert_eq "state of a job with every node drained" PENDING "$(CONF=$LAB field "$jw" .state)"
assert_eq "reason of a job with every node drained" ReqNodeNotAvail \
    "$(CONF=$LAB field "$jw" .reason)"
out=$(as "$M" resume "$X" 2>&1) || fail "$M could not resume $X: $out"
CONF=$LAB wait_state "$jw" COMPLETED 30
assert_eq "node of the job that waited" "$X" "$(CONF=$LAB field "$jw" .node)"
assert_eq "state of $X resumed" IDLE "$(node_field "$X" .state)"
out=$(as "$M" resume "$Y" 2>&1) || fail "$M could not resume $Y: $out"
assert_eq "state of $Y resumed" IDLE "$(node_field "$Y" .state)"

# ---- the audit log: two drains and two resumes by M, no job ----
audit=$(CONF=$LAB herd audit --json) || fail "herd audit: $audit"
assert_eq "drains in the audit log" \
    "[{\"actor\":\"$M\",\"detail\":\"$Y\",\"job_id\":null},{\"actor\":\"$M\",\"detail\":\"$X: disk swap\",\"job_id\":null}]" \
    "$(jq -c '[.[] | select(.action == "drain") | {actor, detail, job_id}]' <<<"$audit")"
assert_eq "resumes in the audit log" "$Y $X" \
    "$(jq -r '[.[] | select(.action == "resume" and .actor == "'"$M"'") | .detail] | join(" ")' <<<"$audit")"
CONF=$LAB herd audit | grep -q "drain  *-  *-  *$X: disk swap" ||
    fail "herd audit's row of the drain: $(CONF=$LAB herd audit)"

lab_check_san
exit 0
