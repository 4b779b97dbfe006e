#!/bin/bash
# t_lab_showleak: herd show (which every user may run on every job) tells
# names, states and resources, not what the job runs.  A job's --wrap
# command is its script (herd show --script is its owner's and admins'),
# and the arguments of a script are as private: tokens and paths are put
# there as often as in the environment.  User B's herd show of A's jobs
# (text and --json) must contain neither; A's own show does (the control).
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

# Two jobs of A, pending for an hour: a --wrap and a script with arguments.
jw=$(as "$A" submit --parsable --begin now+1hour --wrap "echo wrap-secret-$UNIQ") ||
    fail "$A: submit --wrap: $jw"
printf '#!/bin/sh\necho "$1"\n' >"$SD/home/$A/job.sh"
chown "$A" "$SD/home/$A/job.sh"
js=$(as "$A" submit --parsable --begin now+1hour job.sh "arg-secret-$UNIQ") ||
    fail "$A: submit job.sh ARG: $js"

mine=$(as "$A" show "$jw"; as "$A" show --json "$jw"; as "$A" show "$js"; as "$A" show --json "$js")
grep -q "wrap-secret-$UNIQ" <<<"$mine" || fail "$A's own show lacks her --wrap command: $mine"
grep -q "arg-secret-$UNIQ" <<<"$mine" || fail "$A's own show lacks her argument: $mine"

theirs=$(as "$B" show "$jw" 2>&1; as "$B" show --json "$jw" 2>&1; as "$B" show "$js" 2>&1;
    as "$B" show --json "$js" 2>&1)
grep -q "wrap-secret-$UNIQ" <<<"$theirs" && fail "$B sees $A's --wrap command (her script): $theirs"
grep -q "arg-secret-$UNIQ" <<<"$theirs" && fail "$B sees $A's script arguments: $theirs"
# What everyone may see is still there.
assert_eq "name of $A's job in $B's show" wrap "$(as "$B" show --json "$jw" | jq -r .name)"

as "$A" cancel "$jw" "$js" >/dev/null || fail "$A could not cancel her jobs"
stop_herdd "$HERDD_PID"
lab_check_san
exit 0
