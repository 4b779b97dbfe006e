# initlib.sh: herd init's tests, sourced after lib.sh.  init_home NODE...
# gives the test a HOME of its own (XDG_* unset) whose ~/.ssh/config names
# each NODE of the test cluster (nodeN at 127.0.0.1N) with the cluster's
# port, user and client key, as a user who reaches them with ssh has it;
# PORT and NODE_USER are the cluster's.

PORT=$(sed -n 's/^port = //p' "$TC_DIR/hosts.ini")
NODE_USER=$(sed -n 's/^user = //p' "$TC_DIR/hosts.ini")

init_home() {
	export HOME=$TEST_DIR/home XDG_CONFIG_HOME= XDG_STATE_HOME=
	mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
	local n
	for n in "$@"; do
		printf 'Host %s\n    HostName 127.0.0.1%s\n    Port %s\n    User %s\n    IdentityFile %s\n' \
		    "$n" "${n#node}" "$PORT" "$NODE_USER" "$TC_DIR/client_key"
	done >>"$HOME/.ssh/config"
}
