#!/bin/bash
# t_ssh_config: herd ssh-config with the real OpenSSH client.
#  1. herd alloc -J dev holds a GPU; herd ssh-config --alloc dev prints a
#     Host block; `ssh -F THAT herd-N CMD` (no key set up by hand, no port
#     opened on the node) runs CMD inside the allocation: its
#     CUDA_VISIBLE_DEVICES and HERD_JOB_ID, the node's (fake) nvidia-smi -L,
#     the job's working directory.
#  2. The host key is checked: StrictHostKeyChecking with the key fetched
#     through herdd; a changed key is refused by ssh.
#  3. An array task by its ID_TASK: its own Host herd-ID_TASK, its task id.
#  4. herd ssh-config of a job that is not running, and of a name with no
#     running job, are refused with a reason.
. "$(dirname "$0")/lib.sh"

command -v ssh >/dev/null || { note "skipped: no ssh client"; exit 0; }
setup_herdd
export XDG_STATE_HOME=$TEST_DIR/xdg

# The allocation: herd alloc holding a GPU, its shell waiting on a fifo.
hold_alloc dev
apid=$ALLOC_PID j=$ALLOC_JOB
gpus=$(field "$j" '.gpus | join(",")')
node=$(field "$j" .node)

herd ssh-config --alloc dev >"$TEST_DIR/ssh_config" 2>"$TEST_DIR/err" ||
    fail "herd ssh-config --alloc dev failed: $(cat "$TEST_DIR/err")"
grep -qx "Host herd-$j" "$TEST_DIR/ssh_config" || fail "no Host herd-$j block: $(cat "$TEST_DIR/ssh_config")"
grep -q "ProxyCommand .*'ssh-proxy' '$j'\$" "$TEST_DIR/ssh_config" ||
    fail "no ProxyCommand herd ssh-proxy $j: $(cat "$TEST_DIR/ssh_config")"
[ -s "$XDG_STATE_HOME/herd/ssh/id_ed25519" ] || fail "no client key made in XDG_STATE_HOME/herd/ssh"

timeout 60 ssh -F "$TEST_DIR/ssh_config" -o BatchMode=yes "herd-$j" \
    'echo "cvd=$CUDA_VISIBLE_DEVICES id=$HERD_JOB_ID"; nvidia-smi -L; pwd' \
    </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "ssh herd-$j's exit status (stderr: $(cat "$TEST_DIR/err"))" 0 "$rc"
assert_eq "the allocation's environment over ssh" "cvd=$gpus id=$j" "$(head -1 "$TEST_DIR/out")"
ngpu=$(grep -c '^GPU [0-9]*:' "$TEST_DIR/out")
[ "$ngpu" -ge 1 ] || fail "nvidia-smi -L over ssh listed no GPU: $(cat "$TEST_DIR/out")"
assert_eq "the working directory over ssh" "$WORK" "$(tail -1 "$TEST_DIR/out")"

# By id too, and a second ssh: the host key stays the same one.
herd ssh-config "$j" >"$TEST_DIR/ssh_config2" 2>"$TEST_DIR/err" ||
    fail "herd ssh-config $j failed: $(cat "$TEST_DIR/err")"
timeout 60 ssh -F "$TEST_DIR/ssh_config2" -o BatchMode=yes "herd-$j" 'exit 3' </dev/null 2>"$TEST_DIR/err"
rc=$?
assert_eq "ssh herd-$j 'exit 3' (stderr: $(cat "$TEST_DIR/err"))" 3 "$rc"

# A host key that is not the allocation's is refused by ssh itself.
kh=$XDG_STATE_HOME/herd/ssh/known_hosts.$j
ssh-keygen -q -t ed25519 -N '' -f "$TEST_DIR/other" </dev/null >/dev/null
echo "herd-$j $(cut -d' ' -f1,2 "$TEST_DIR/other.pub")" >"$kh"
timeout 60 ssh -F "$TEST_DIR/ssh_config" -o BatchMode=yes "herd-$j" true </dev/null 2>"$TEST_DIR/err"
[ $? = 255 ] || fail "ssh accepted a host key that is not the allocation's"
grep -qi "host key" "$TEST_DIR/err" || fail "ssh did not name the host key: $(cat "$TEST_DIR/err")"

# An array's task, by ID_TASK.
arr=$(submit --array=3-3 --wrap "sleep 300 # $UNIQ")
for ((i = 0; i < 300; i++)); do
	[ "$(herd queue --json | jq -r --argjson a "$arr" '.[] | select(.array_job_id == $a) | .state')" = RUNNING ] && break
	sleep 0.1
done
herd ssh-config "${arr}_3" >"$TEST_DIR/ssh_config3" 2>"$TEST_DIR/err" ||
    fail "herd ssh-config ${arr}_3 failed: $(cat "$TEST_DIR/err")"
out=$(timeout 60 ssh -F "$TEST_DIR/ssh_config3" -o BatchMode=yes "herd-${arr}_3" 'echo "task=$SLURM_ARRAY_TASK_ID"' \
    </dev/null 2>"$TEST_DIR/err")
assert_eq "ssh herd-${arr}_3 (stderr: $(cat "$TEST_DIR/err"))" task=3 "$out"
herd cancel "$arr" >/dev/null

# The allocation ends with herd alloc's command.
echo done >&7
wait "$apid"
rc=$?
assert_eq "herd alloc's status" 0 "$rc"
wait_jobs 30 "$j" >/dev/null 2>&1

herd ssh-config "$j" >/dev/null 2>"$TEST_DIR/err"
[ $? = 1 ] || fail "herd ssh-config of ended job $j did not fail"
grep -q "only a running job" "$TEST_DIR/err" || fail "no reason for an ended job: $(cat "$TEST_DIR/err")"
herd ssh-config --alloc dev >/dev/null 2>"$TEST_DIR/err"
[ $? = 1 ] || fail "herd ssh-config --alloc of a name with no running job did not fail"
grep -q 'no running job of yours is named "dev"' "$TEST_DIR/err" || fail "no reason: $(cat "$TEST_DIR/err")"
