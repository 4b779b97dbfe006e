#!/bin/bash
# t_json_sshcfg: herd ssh-config --json: {"job", "host", "fields", "config"},
# the Host entry's fields as ssh uses them (paths unquoted), the same block
# as without --json in "config"; a config written back from the fields
# lands the real OpenSSH client in the allocation; a refusal prints nothing
# on stdout and its reason on stderr.
. "$(dirname "$0")/lib.sh"

command -v ssh >/dev/null || { note "skipped: no ssh client"; exit 0; }
setup_herdd
export XDG_STATE_HOME=$TEST_DIR/xdg%state

hold_alloc jdev
apid=$ALLOC_PID j=$ALLOC_JOB

herd ssh-config --json --alloc jdev >"$TEST_DIR/out" 2>"$TEST_DIR/err" ||
    fail "herd ssh-config --json failed: $(cat "$TEST_DIR/err")"
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["fields"]
print(d["job"], d["host"], f["Host"], f["HostName"], f["User"])
print(f["IdentityFile"])
print(f["UserKnownHostsFile"])
print(f["ProxyCommand"])
print(f["StrictHostKeyChecking"])' "$TEST_DIR/out") || fail "herd ssh-config --json: not the JSON expected: $(cat "$TEST_DIR/out")"
ssh_dir="$XDG_STATE_HOME/herd/ssh"
assert_eq "ssh-config --json: job and host" "$j herd-$j herd-$j herd-$j $(id -un)" "$(sed -n 1p <<<"$got")"
assert_eq "ssh-config --json: IdentityFile, % as it is" "$ssh_dir/id_ed25519" "$(sed -n 2p <<<"$got")"
assert_eq "ssh-config --json: UserKnownHostsFile" "$ssh_dir/known_hosts.$j" "$(sed -n 3p <<<"$got")"
case $(sed -n 4p <<<"$got") in
*"'ssh-proxy' '$j'") ;;
*) fail "ssh-config --json: ProxyCommand: $(sed -n 4p <<<"$got")" ;;
esac
assert_eq "ssh-config --json: StrictHostKeyChecking" yes "$(sed -n 5p <<<"$got")"

# "config" is the block itself; a config written from the fields works with ssh.
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
open(sys.argv[2], "w").write(d["config"])
with open(sys.argv[3], "w") as o:
    f = d["fields"]
    o.write("Host %s\n" % f.pop("Host"))
    for k, v in f.items():
        if k != "ProxyCommand":
            v = "\"%s\"" % v.replace("%", "%%")
        else:
            v = v.replace("%", "%%")
        o.write("    %s %s\n" % (k, v))' "$TEST_DIR/out" "$TEST_DIR/block" "$TEST_DIR/fromfields" ||
    fail "herd ssh-config --json: cannot write configs from it"
herd ssh-config --alloc jdev >"$TEST_DIR/plain" 2>"$TEST_DIR/err" || fail "herd ssh-config failed: $(cat "$TEST_DIR/err")"
cmp -s "$TEST_DIR/block" "$TEST_DIR/plain" || fail "ssh-config --json: config is not the block: $(diff "$TEST_DIR/block" "$TEST_DIR/plain")"
timeout 60 ssh -F "$TEST_DIR/fromfields" -o BatchMode=yes "herd-$j" 'echo "id=$HERD_JOB_ID"' \
    </dev/null >"$TEST_DIR/sshout" 2>"$TEST_DIR/err"
assert_eq "ssh with the config from the fields (stderr: $(cat "$TEST_DIR/err"))" "id=$j" "$(cat "$TEST_DIR/sshout")"

herd ssh-config --json --alloc "nosuch$UNIQ" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "ssh-config --json of no job: status" 1 "$?"
[ ! -s "$TEST_DIR/out" ] || fail "ssh-config --json refused but printed: $(cat "$TEST_DIR/out")"
[ -s "$TEST_DIR/err" ] || fail "ssh-config --json refused with no reason on stderr"
echo x >&7
wait "$apid"
