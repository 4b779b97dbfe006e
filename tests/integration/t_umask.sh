#!/bin/bash
# t_umask: a job runs with its submitter's umask, as under sbatch, not with
# the node's sshd's (022): with umask 077 its output file and a file the job
# makes are private (0600), with 027 0640, with 022 0644; the job sees it in
# SLURM_UMASK, and herd show --json says it.

. "$(dirname "$0")/lib.sh"

setup_herdd

ids=() masks=(077 027 022) modes=(600 640 644)
for m in "${masks[@]}"; do
	ids+=("$(umask "$m" && submit --wrap 'touch "made-$HERD_JOB_ID"; echo "$SLURM_UMASK"')")
done
wait_jobs 60 "${ids[@]}" || fail "the jobs did not complete"
for i in 0 1 2; do
	id=${ids[$i]} m=${masks[$i]} mode=${modes[$i]}
	assert_eq "mode of the output of a job submitted under umask $m" "$mode" \
	    "$(stat -c %a "$WORK/herd-$id.out")"
	assert_eq "mode of a file made by a job submitted under umask $m" "$mode" \
	    "$(stat -c %a "$WORK/made-$id")"
	assert_file_is "$WORK/herd-$id.out" "0$m
"
	assert_eq "umask of $id (JSON)" "0$m" "$(field "$id" .umask)"
done
assert_idle
