#!/bin/bash
# t_lab_migrate: from personal mode to lab mode on the same database, as
# README's "From personal mode to lab mode" says.  A user runs her own
# herdd (personal mode, logging in to the nodes as herself) with an ended
# job, a held job and a running one; she stops it; the database moves to
# the service account; herdd starts in lab mode on it.  Every job keeps its
# id, state and owner; once she registers, the job that ran through the
# move is taken back (its end is learned from the node), and her held job,
# released, runs as her.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lablib.sh"

A=hm${UNIQ:0:10}
mkuser "$A"
H=$SD/home/$A
# Her own login to the nodes, as a personal-mode user has.
mkdir -m 700 "$H/.ssh" "$H/state"
ssh-keygen -q -t ed25519 -N '' -f "$H/.ssh/id_ed25519" || fail "ssh-keygen failed"
cp "$H/.ssh/id_ed25519.pub" "$H/.ssh/authorized_keys"
cp "$TC_DIR/known_hosts" "$H/.ssh/known_hosts"
PERS=$H/hosts.ini
cat >"$PERS" <<EOF
[controller]
cluster = test
state_dir = $H/state
probe_interval = 5
kill_grace = 2

[defaults]
port = $PORT
user = $A
identity = $H/.ssh/id_ed25519
known_hosts = $H/.ssh/known_hosts

[node node1]
host = 127.0.0.11

[node node2]
host = 127.0.0.12
EOF
chown -R "$A" "$H"

# Her herdd, as her (a second wrapper beside the service account's).
mkdir -m 755 "$SD/pbin"
cat >"$SD/pbin/herdd" <<EOF
#!/bin/sh
export ASAN_OPTIONS=detect_leaks=1:log_path=$SD/san/herdd UBSAN_OPTIONS=print_stacktrace=1:log_path=$SD/san/herdd
exec setpriv --reuid=$A --regid=$(id -g "$A") --init-groups $SD/bin/herdd.real "\$@"
EOF
chmod 755 "$SD/pbin/herdd"
mine() {
	(cd "$H" && runuser -u "$A" -- env HOME="$H" \
	    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
	    UBSAN_OPTIONS=print_stacktrace=1:log_path="$SD/san/herd" \
	    "$SD/bin/herd" -c "$PERS" "$@")
}
save=$HERD_BIN
HERD_BIN=$SD/pbin
start_herdd "$PERS"
HERD_BIN=$save
wait_nodes_up 2 30 "$PERS"

j1=$(mine submit --parsable --wrap 'id -u >p1.out') || fail "$A: submit: $j1"
CONF=$PERS wait_state "$j1" COMPLETED 30
j2=$(mine submit --parsable --hold --wrap 'id -u >p2.out') || fail "$A: submit --hold: $j2"
j3=$(mine submit --parsable --wrap 'sleep 4; id -u >p3.out') || fail "$A: submit: $j3"
CONF=$PERS wait_state "$j3" RUNNING 30
stop_herdd "$HERDD_PID"

# ---- the move, as README says ----
install -o "$SVC" -g "$(id -g "$SVC")" -m 600 "$H/state/herd.db" "$SD/state/"
[ -e "$H/state/herd.db-wal" ] &&
    install -o "$SVC" -g "$(id -g "$SVC")" -m 600 "$H/state/herd.db-wal" "$SD/state/"
lab_config "session_idle = 60"
start_svc
wait_nodes_up 2 30 "$LAB"

assert_eq "$j1 after the move" "COMPLETED $A" "$(CONF=$LAB show_json "$j1" | jq -r '"\(.state) \(.user)"')"
assert_eq "$j2 after the move" "PENDING $A JobHeldUser" \
    "$(CONF=$LAB show_json "$j2" | jq -r '"\(.state) \(.user) \(.reason)"')"
assert_eq "owner of $j3 after the move" "$A" "$(CONF=$LAB field "$j3" .user)"

out=$(as "$A" register 2>&1) || fail "$A: herd register: $out"
CONF=$LAB wait_state "$j3" COMPLETED 60
assert_eq "uid $j3 ran as" "$(id -u "$A")" "$(cat "$H/p3.out")"
out=$(as "$A" release "$j2" 2>&1) || fail "$A: release $j2: $out"
CONF=$LAB wait_state "$j2" COMPLETED 40
assert_eq "uid $j2 ran as, released in lab mode" "$(id -u "$A")" "$(cat "$H/p2.out")"
assert_eq "jobs in history, all $A's" "$A $A $A" \
    "$(CONF=$LAB herd history --all --json | jq -r '[.[] | .user] | join(" ")')"

lab_check_san
exit 0
