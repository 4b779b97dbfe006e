#!/bin/bash
# t_units: `make install-units` into a DESTDIR writes lab mode's systemd unit
# with the service account (HERD_USER, HERD_GROUP), the state directory
# (HERD_STATE_DIR) and PREFIX substituted: StateDirectory= under /var/lib,
# a comment saying to make the directory elsewhere; bad values are refused
# and write nothing.  Where systemd-analyze exists, the unit verifies clean.
. "$(dirname "$0")/lib.sh"

# units NAME [VAR=VALUE...]: make install-units into $TEST_DIR/NAME; the
# unit's path on stdout.
units() {
	local d=$TEST_DIR/$1
	shift
	make -s -C "$REPO" install-units DESTDIR="$d" "$@" >&2 ||
	    fail "make install-units $* failed"
	echo "$d/etc/systemd/system/herdd.service"
}
has() {
	grep -qxF -- "$2" "$1" || fail "$1 has no line \"$2\"; its settings: $(grep -v '^#' "$1" | grep .)"
}
hasnt() {
	grep -q -- "$2" "$1" && fail "$1 still has \"$2\": $(grep -- "$2" "$1")"
	return 0
}

# The defaults: as before.
u=$(units dflt)
has "$u" "User=herd"
has "$u" "Group=herd"
has "$u" "ExecStart=/usr/local/bin/herdd -c /etc/herd/hosts.ini"
has "$u" "StateDirectory=herd"
has "$u" "ReadWritePaths=/var/lib/herd"

# Another account and a state directory outside /var/lib.
mkdir -p "$TEST_DIR/prefix/bin" && cp "$HERD_BIN/herdd" "$TEST_DIR/prefix/bin/"
u=$(units srv PREFIX="$TEST_DIR/prefix" HERD_USER=daemon HERD_STATE_DIR=/srv/herd/state)
has "$u" "User=daemon"
has "$u" "Group=daemon"
has "$u" "ExecStart=$TEST_DIR/prefix/bin/herdd -c /etc/herd/hosts.ini"
has "$u" "ReadWritePaths=/srv/herd/state"
has "$u" "#   state_dir = /srv/herd/state"
has "$u" "# install -d -o daemon -g daemon -m 700 /srv/herd/state"
hasnt "$u" "^StateDirectory="
hasnt "$u" "/var/lib/herd"
hasnt "$u" "^User=herd"
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify --man=no "$u" 2>&1) || fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify $u: $out"
else
	note "no systemd-analyze: the unit was not verified"
fi

# Under /var/lib: systemd makes it (StateDirectory= is relative to /var/lib).
u=$(units vl HERD_USER=hq HERD_GROUP=hqgrp HERD_STATE_DIR=/var/lib/hq)
has "$u" "StateDirectory=hq"
has "$u" "User=hq"
has "$u" "Group=hqgrp"
has "$u" "ReadWritePaths=/var/lib/hq"

# Values that would break the unit (or the sed) are refused; nothing written.
for bad in "HERD_USER=a b" "HERD_USER=x#y" "HERD_GROUP=-g" "HERD_STATE_DIR=relative" \
    "HERD_STATE_DIR=/a b" "HERD_STATE_DIR=/a#b" "HERD_STATE_DIR=/"; do
	out=$(make -s -C "$REPO" install-units DESTDIR="$TEST_DIR/bad" "$bad" 2>&1) &&
	    fail "make install-units $bad succeeded"
	grep -q "install-units: HERD_" <<<"$out" || fail "make install-units $bad: $out"
	[ -e "$TEST_DIR/bad" ] && fail "make install-units $bad wrote $(find "$TEST_DIR/bad")"
done
exit 0
