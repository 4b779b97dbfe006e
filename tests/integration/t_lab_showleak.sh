#!/bin/bash
# t_lab_showleak: herd show (which every user may run on every job) tells
# names, states and resources, not what the job runs.  A job's --wrap
# command is its script (herd show --script is its owner's and admins'),
# and the arguments of a script are as private: tokens and paths are put
# there as often as in the environment.  User B's herd show of A's jobs
# (text and --json) must contain neither; A's own show does (the control).
# Where a job runs and writes is as private: its working directory (the
# submit directory by default) and its output paths name A's projects
# (/home/alice/secret-project-x/6.out).  B's show, queue --json, history
# and history --json of A's jobs, pending and ended, leave out workdir,
# stdout and stderr (and a launch failure's reason: only "launch failed");
# A's own and root's (an admin) have them.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hsa${UNIQ:0:10} B=hsb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done

# Two jobs of A, pending for an hour: a --wrap run in her project's
# directory, and a script with arguments writing its output there.
P=secret-project-$UNIQ
mkdir -m 700 "$SD/home/$A/$P" && chown "$A" "$SD/home/$A/$P" || fail "mkdir $P"
jw=$(as "$A" submit --parsable --begin now+1hour -D "$SD/home/$A/$P" \
    --wrap "echo wrap-secret-$UNIQ") || fail "$A: submit --wrap: $jw"
printf '#!/bin/sh\necho "$1"\n' >"$SD/home/$A/job.sh"
chown "$A" "$SD/home/$A/job.sh"
js=$(as "$A" submit --parsable --begin now+1hour -o "$SD/home/$A/$P/%j.out" job.sh \
    "arg-secret-$UNIQ") || fail "$A: submit job.sh ARG: $js"
# One that ran in it and ended, for the history; one whose output file
# cannot be opened (its launch failure's reason names the path).
jd=$(as "$A" submit --parsable -D "$SD/home/$A/$P" --wrap true) || fail "$A: submit: $jd"
jf=$(as "$A" submit --parsable -o "$SD/home/$A/$P/nodir/%j.out" --wrap true) ||
    fail "$A: submit: $jf"
for j in "$jd:COMPLETED" "$jf:FAILED"; do
	for ((i = 0; i < 300; i++)); do
		[ "$(as "$A" show --json "${j%:*}" | jq -r .state)" = "${j#*:}" ] && break
		sleep 0.1
	done
	assert_eq "state of $A's job ${j%:*}" "${j#*:}" \
	    "$(as "$A" show --json "${j%:*}" | jq -r .state)"
done
as "$A" show --json "$jf" | jq -r .reason | grep -q "^launch failed: .*$P/nodir" ||
    fail "$A's own launch failure does not say which file: $(as "$A" show "$jf")"

mine=$(as "$A" show "$jw"; as "$A" show --json "$jw"; as "$A" show "$js"; as "$A" show --json "$js")
grep -q "wrap-secret-$UNIQ" <<<"$mine" || fail "$A's own show lacks her --wrap command: $mine"
grep -q "arg-secret-$UNIQ" <<<"$mine" || fail "$A's own show lacks her argument: $mine"
assert_eq "$A's own workdir of $jw" "$SD/home/$A/$P" "$(as "$A" show --json "$jw" | jq -r .workdir)"
assert_eq "$A's own stdout of $js" "$SD/home/$A/$P/$js.out" \
    "$(as "$A" show --json "$js" | jq -r .stdout)"
assert_eq "$A's own stdout of $jw in her queue" "$SD/home/$A/$P/herd-$jw.out" \
    "$(as "$A" queue --json | jq -r ".[] | select(.id == $jw) | .stdout")"
assert_eq "$A's own workdir of $jd in her history" "$SD/home/$A/$P" \
    "$(as "$A" history --json | jq -r ".[] | select(.id == $jd) | .workdir")"
# Root is an admin: it sees them too (without an audit: a listing is no action).
assert_eq "root's workdir of $A's $jw" "$SD/home/$A/$P" \
    "$("$SD/bin/herd" -s "$SD/run/herd.sock" show --json "$jw" | jq -r .workdir)"

theirs=$(as "$B" show "$jw" 2>&1; as "$B" show --json "$jw" 2>&1; as "$B" show "$js" 2>&1;
    as "$B" show --json "$js" 2>&1)
grep -q "wrap-secret-$UNIQ" <<<"$theirs" && fail "$B sees $A's --wrap command (her script): $theirs"
grep -q "arg-secret-$UNIQ" <<<"$theirs" && fail "$B sees $A's script arguments: $theirs"
theirs+=$(as "$B" show "$jd" 2>&1; as "$B" show --json "$jd" 2>&1; as "$B" show "$jf" 2>&1;
    as "$B" show --json "$jf" 2>&1; as "$B" queue --json 2>&1;
    as "$B" queue 2>&1; as "$B" history -a 2>&1; as "$B" history -a --json 2>&1)
grep -q "$P" <<<"$theirs" && fail "$B sees where $A's jobs run or write ($P): $theirs"
# What everyone may see is still there: B's listings have A's jobs.
assert_eq "name of $A's job in $B's show" wrap "$(as "$B" show --json "$jw" | jq -r .name)"
assert_eq "$A's jobs in $B's queue" "$jw $js" \
    "$(as "$B" queue --json | jq -r '[.[].id | tostring] | join(" ")')"
assert_eq "reason of $A's failed launch in $B's show" "launch failed" \
    "$(as "$B" show --json "$jf" | jq -r .reason)"
assert_eq "$A's ended job in $B's history" "$jd null" \
    "$(as "$B" history -a --json | jq -r ".[] | select(.id == $jd) | \"\\(.id) \\(.workdir)\"")"

as "$A" cancel "$jw" "$js" >/dev/null || fail "$A could not cancel her jobs"
stop_herdd "$HERDD_PID"
lab_check_san
exit 0
