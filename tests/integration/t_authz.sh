#!/bin/bash
# t_authz: who may do what, as a table, with real local users against one
# herdd in lab mode (socket outside state_dir, [controller] admins = one of
# them), and the audit log of what admins did.
#  1. Every action (cancel, hold, release, requeue, update, show --script,
#     show --env, logs) by each requester (the job's owner, another user, an
#     admin, root) on a job of the owner: the owner, the admin and root
#     succeed; the other user is refused with "job N is not yours: it
#     belongs to OWNER" and the job is as it was.
#  2. An admin's hold of another's job is JobHeldAdmin: its owner cannot
#     release it, the admin can.
#  3. The submitter's environment and command line are nowhere in what
#     others see (herd show, show --json); they are, for the owner.
#  4. The audit log holds exactly the admin's and root's actions on the
#     owner's jobs, one record each; `herd audit` is refused to plain users.
#  5. An audit record that cannot be written (HERD_FAULT_DB=insert:1+) is
#     logged, and the admin's action stands.
#  4b. The order of refusals: another user's cancel, hold, release,
#      requeue and update of a job that is pending, running or ended is
#      answered "not yours" alone, never with the job's state first (which
#      is what the owner hears: "is no longer pending (RUNNING)").
#  4c. herd cancel with a filter and no ids (-t RUNNING) in a busy lab
#      cancels the caller's own matching jobs and leaves the others' alone
#      with one line ("2 jobs of other users left alone"), exit 0; -u naming
#      another user is exit 1 with that line; ids named with a filter are
#      each refused.
#  5b. herd reconfigure applies a new admins list at once.
# Jobs are submitted by the owner with a begin time an hour away (they stay
# pending); the requeue rows use jobs that ran and ended.

. "$(dirname "$0")/lib.sh"

if ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
	note "skipped: no useradd or runuser on this machine"
	exit 0
fi

# The socket and the users' homes live outside the (private) state
# directory, in a directory every user may traverse; herdd in lab mode
# makes the socket 0666 itself.
SD=/tmp/herdauthz.$UNIQ
mkdir -m 711 "$SD" "$SD/home" || fail "cannot make $SD"
at_exit "rm -rf '$SD'"
install -m 755 "$HERD_BIN/herd" "$SD/herd"

# Three users: the owner, another user, an admin.
A=hza$UNIQ; B=hzb$UNIQ; M=hzm$UNIQ
A=${A:0:30}; B=${B:0:30}; M=${M:0:30}
for u in "$A" "$B" "$M"; do
	useradd -M -N -d "$SD/home/$u" -s /bin/sh -p '*' "$u" || fail "useradd $u failed"
	at_exit "pkill -KILL -u '$u' 2>/dev/null; userdel '$u' 2>/dev/null"
	mkdir -m 755 "$SD/home/$u" && chown "$u" "$SD/home/$u"
done
make_config "$HOSTS" "$STATE"
sed -i -e "s|^socket = .*|socket = $SD/herd.sock|" \
    -e "/^\[controller\]/a mode = lab\nlab_from = 127.0.0.1\nadmins = $M, nosuchuser$UNIQ" "$HOSTS"
start_herdd
wait_nodes_up 4 20
grep -q "nosuchuser$UNIQ" "$HERDD_LOG" || fail "herdd did not warn of an unknown admin name"

# as USER CMD...: herd as USER ("root": root), from a directory it may enter.
as() {
	local u=$1
	shift
	if [ "$u" = root ]; then
		"$SD/herd" -s "$SD/herd.sock" "$@"
		return
	fi
	(cd "$SD/home/$u" && runuser -u "$u" -- env ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=print_stacktrace=1 HERD_SECRET_T="tok-$UNIQ" "$SD/herd" \
	    -s "$SD/herd.sock" "$@")
}

# A's job, pending for an hour (and held with --hold given): its id.
ajob() {
	local id
	id=$(as "$A" submit --parsable -D "$SD/home/$A" --begin now+1hour "$@" \
	    --wrap "echo marker-$UNIQ" 2>&1) || fail "$A could not submit: $id"
	case $id in ''|*[!0-9]*) fail "$A's submit printed '$id', not a job id" ;; esac
	echo "$id"
}

# An ended job of A, for requeue.
ajob_ended() {
	local id
	id=$(as "$A" submit --parsable -D "$SD/home/$A" --wrap "echo marker-$UNIQ" 2>&1) ||
	    fail "$A could not submit: $id"
	wait_jobs 30 "$id" || fail "$A's job $id did not end"
	echo "$id"
}

reason() { field "$1" .reason; }

# act ACTION USER JOB: the action; prints its output, exit status as herd's.
act() {
	local a=$1 u=$2 j=$3
	case $a in
	cancel) as "$u" cancel "$j" ;;
	hold) as "$u" hold "$j" ;;
	release) as "$u" release "$j" ;;
	requeue) as "$u" requeue "$j" ;;
	update) as "$u" update "$j" "name=upd-$u" ;;
	script) as "$u" show --script "$j" ;;
	env) as "$u" show --env "$j" ;;
	logs) as "$u" logs "$j" ;;
	esac
}

# check ACTION USER JOB OUT: the action's effect when allowed.
check_done() {
	local a=$1 u=$2 j=$3 out=$4
	case $a in
	cancel) wait_state "$j" CANCELLED 10 ;;
	hold)
		local want=JobHeldUser
		[ "$u" = "$A" ] || want=JobHeldAdmin
		assert_eq "reason of $j after $u's hold" "$want" "$(reason "$j")" ;;
	release) assert_eq "reason of $j after $u's release" BeginTime "$(reason "$j")" ;;
	requeue) [ "$(field "$j" .attempt)" -ge 2 ] 2>/dev/null ||
	    [ "$(field "$j" .state)" = PENDING ] || fail "job $j not requeued by $u" ;;
	update) assert_eq "name of $j after $u's update" "upd-$u" "$(field "$j" .name)" ;;
	script) grep -q "marker-$UNIQ" <<<"$out" || fail "$u's show --script $j: no script: $out" ;;
	logs) grep -qx "marker-$UNIQ" <<<"$out" || fail "$u's logs $j: no output: $out" ;;
	env) grep -qx "HERD_SECRET_T=tok-$UNIQ" <<<"$out" ||
	    fail "$u's show --env $j: no HERD_SECRET_T=tok-$UNIQ: $out" ;;
	esac
}

# A job of A ready for ACTION (release: held by A; requeue: ended).
fresh() {
	case $1 in
	release) ajob --hold ;;
	requeue|logs) ajob_ended ;;
	*) ajob ;;
	esac
}

# Lab mode runs jobs as their owners: each user registers first.
for u in "$A" "$B" "$M"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register: $out"
done

# ---- 1. the table ----
actions="cancel hold release requeue update script env logs"
declare -A expect=([$A]=ok [$B]=refused [$M]=ok [root]=ok)
for a in $actions; do
	for u in "$A" "$B" "$M" root; do
		j=$(fresh "$a")
		before=$(show_json "$j" | jq -c '{state, reason, name}')
		rc=0
		out=$(act "$a" "$u" "$j" 2>&1) || rc=$?
		if [ "${expect[$u]}" = ok ]; then
			[ "$rc" = 0 ] || fail "$a of $A's job $j by $u: refused (exit $rc): $out"
			check_done "$a" "$u" "$j" "$out"
		else
			[ "$rc" != 0 ] || fail "$a of $A's job $j by $u: allowed: $out"
			grep -q "job $j is not yours: it belongs to $A" <<<"$out" ||
			    fail "$a of $A's job $j by $u: not the owner's refusal: $out"
			grep -q "tok-$UNIQ" <<<"$out" && fail "$u's $a of $j shows A's environment: $out"
			assert_eq "job $j after $u's refused $a" "$before" \
			    "$(show_json "$j" | jq -c '{state, reason, name}')"
		fi
	done
done

# ---- 2. an admin's hold ----
j=$(ajob)
as "$M" hold "$j" >/dev/null || fail "admin $M could not hold $A's job $j"
assert_eq "reason of $j held by admin $M" JobHeldAdmin "$(reason "$j")"
out=$(as "$A" release "$j" 2>&1) && fail "$A released $M's admin hold of $j: $out"
grep -q "only an admin or root may release it" <<<"$out" || fail "$A's release of $j: $out"
assert_eq "reason of $j after $A's release" JobHeldAdmin "$(reason "$j")"
as "$M" release "$j" >/dev/null || fail "admin $M could not release $j"
assert_eq "reason of $j after $M's release" BeginTime "$(reason "$j")"
as "$A" cancel "$j" >/dev/null || fail "$A could not cancel its own job $j"

# ---- 3. the environment stays the owner's ----
j=$(ajob)
for u in "$B" "$M"; do
	out=$(as "$u" show "$j" 2>&1; as "$u" show --json "$j" 2>&1; as "$u" queue --json 2>&1)
	grep -q "tok-$UNIQ" <<<"$out" && fail "$u sees $A's environment in show/queue: $out"
done
out=$(as "$B" show --json "$j" 2>&1)
grep -q "marker-$UNIQ" <<<"$out" && fail "$B sees $A's command line in show: $out"
out=$(as "$A" show --json "$j" 2>&1)
grep -q "marker-$UNIQ" <<<"$out" || fail "$A does not see her own command line in show: $out"
out=$(as "$A" show --env --json "$j") || fail "$A's show --env --json $j failed"
jq -e --arg v "HERD_SECRET_T=tok-$UNIQ" 'any(.env[]; . == $v)' <<<"$out" >/dev/null ||
    fail "$A's show --env --json $j: $out"

# ---- 4. the audit log ----
for u in "$A" "$B"; do
	out=$(as "$u" audit 2>&1) && fail "plain user $u read the audit log: $out"
	grep -q "only admins may read the audit log" <<<"$out" || fail "$u's herd audit: $out"
done
as "$M" audit >/dev/null || fail "admin $M could not read the audit log"
log=$(as root audit -n 1000 --json) || fail "root's herd audit --json failed"
# Each admin's and root's table action, the admin hold's hold and release (2).
got=$(jq -r '.[] | "\(.actor) \(.action) \(.owner)"' <<<"$log" | sort)
want=$( {
	for u in "$M" root; do
		for a in cancel hold release requeue update read_script read_env read_output; do
			echo "$u $a $A"
		done
	done
	echo "$M hold $A"
	echo "$M release $A"
} | sort)
assert_eq "audit records (actor action owner)" "$want" "$got"
jq -e --arg m "$M" '[.[] | select(.actor == $m and .action == "update")][0].detail
    == ("name=upd-" + $m)' <<<"$log" >/dev/null || fail "the update's record has no detail: $log"
jq -e --arg m "$M" 'any(.[] | select(.actor == $m and .action == "hold"); .detail ==
    "JobHeldAdmin")' <<<"$log" >/dev/null ||
    fail "the admin hold's record does not say JobHeldAdmin: $log"
table=$(as "$M" audit -n 5)
head -1 <<<"$table" | grep -q "TIME *ACTOR *ACTION *JOB *OWNER *DETAIL" ||
    fail "herd audit's header: $table"
assert_eq "rows of herd audit -n 5" 6 "$(wc -l <<<"$table")"

# ---- 4b. the order of refusals (no admin acts here: the audit log is counted in 5) ----
arun() {
	local id
	id=$(as "$1" submit --parsable -D "$SD/home/$1" --wrap "sleep 300" 2>&1) ||
	    fail "$1 could not submit: $id"
	wait_state "$id" RUNNING 20
	echo "$id"
}
jp=$(ajob)
jr=$(arun "$A")
je=$(ajob_ended)
out=$(as "$A" hold "$jr" 2>&1) && fail "$A held her running job $jr: $out"
assert_eq "$A's hold of her running job" "herd: job $jr is no longer pending (RUNNING)" "$out"
for j in "$jp" "$jr" "$je"; do
	st=$(field "$j" .state)
	for a in cancel hold release requeue update; do
		out=$(act "$a" "$B" "$j" 2>&1) && fail "$B's $a of $A's $st job $j: allowed: $out"
		assert_eq "$B's $a of $A's $st job $j" "herd: job $j is not yours: it belongs to $A" \
		    "$out"
	done
	assert_eq "state of $j after $B's refusals" "$st" "$(field "$j" .state)"
done

# ---- 4c. herd cancel -t RUNNING in a busy lab ----
jr2=$(arun "$A")
jb=$(arun "$B")
jbp=$(as "$B" submit --parsable -D "$SD/home/$B" --begin now+1hour --wrap true) ||
    fail "$B could not submit: $jbp"
# others JQ-FILTER: how many active jobs of users other than B match.
others() { as root queue --json | jq --arg b "$B" "[.[] | select(.user != \$b) | $1] | length"; }
assert_eq "running jobs of others" 2 "$(others 'select(.state == "RUNNING")')"
out=$(as "$B" cancel -t RUNNING 2>&1) || fail "$B's cancel -t RUNNING: exit $?: $out"
assert_eq "$B's cancel -t RUNNING" "herd: 2 jobs of other users left alone" "$out"
wait_state "$jb" CANCELLED 10
for j in "$jr" "$jr2"; do
	assert_eq "$A's job $j after $B's cancel -t RUNNING" RUNNING "$(field "$j" .state)"
done
assert_eq "$B's pending $jbp after cancel -t RUNNING" PENDING "$(field "$jbp" .state)"
n=$(others 'select(.name == "wrap")')
[ "$n" -ge 3 ] || fail "$A has $n active jobs named wrap, not 3 or more"
out=$(as "$B" cancel -t R,PD -n wrap 2>&1) || fail "$B's cancel -t R,PD -n wrap: exit $?: $out"
assert_eq "$B's cancel -t R,PD -n wrap" "herd: $n jobs of other users left alone" "$out"
wait_state "$jbp" CANCELLED 10
# -u names the user whose jobs are left alone: asked for, so exit 1.
n=$(others 'select(.user == "'"$A"'")')
out=$(as "$B" cancel -u "$A" 2>&1) && fail "$B's cancel -u $A: exit 0: $out"
assert_eq "$B's cancel -u $A" "herd: $n jobs of other users left alone" "$out"
# Ids named with a filter: each is the user's choice, each refused.
out=$(as "$B" cancel -t RUNNING "$jr" 2>&1) && fail "$B's cancel -t RUNNING $jr: exit 0: $out"
assert_eq "$B's cancel -t RUNNING $jr" "herd: job $jr is not yours: it belongs to $A" "$out"
assert_eq "$A's job $jp after $B's cancels" PENDING "$(field "$jp" .state)"
for j in "$jr" "$jr2"; do
	assert_eq "$A's job $j after $B's cancels" RUNNING "$(field "$j" .state)"
done
as "$A" cancel "$jp" "$jr" "$jr2" >/dev/null || fail "$A could not cancel $jp $jr $jr2"
for j in "$jr" "$jr2"; do wait_state "$j" CANCELLED 10; done

# ---- 5b. admins change on reconfigure ----
j=$(ajob)
sed -i "s/^admins = .*/admins = nosuchuser$UNIQ/" "$HOSTS"
out=$(as root reconfigure 2>&1) || fail "herd reconfigure: $out"
grep -q "admins: .*applies now" <<<"$out" || fail "reconfigure does not say admins changed: $out"
out=$(as "$M" hold "$j" 2>&1) && fail "$M, no longer an admin, held $A's job $j: $out"
grep -q "job $j is not yours: it belongs to $A" <<<"$out" || fail "$M's refused hold: $out"
sed -i "s/^admins = .*/admins = $M/" "$HOSTS"
as root reconfigure >/dev/null || fail "herd reconfigure (admins = $M) failed"

# ---- 5. an audit write that fails ----
j=$(ajob)
stop_herdd "$HERDD_PID"
HERD_FAULT_DB=insert:1+ start_herdd
wait_nodes_up 4 20
out=$(as "$M" cancel "$j" 2>&1) || fail "$M's cancel of $j with a failing audit write: $out"
wait_state "$j" CANCELLED 10
grep -q "cancel of job $j not recorded (the action stands)" "$HERDD_LOG" ||
    fail "the failed audit write of $M's cancel of $j is not logged"
assert_eq "audit records after the failed write" "$(jq length <<<"$log")" \
    "$(as root audit -n 1000 --json | jq length)"

# Leave nothing queued.
as root cancel $(as root queue --json | jq -r '.[].id') >/dev/null 2>&1
exit 0
