#!/bin/bash
# t_denied: a local user who may not reach this herdd's socket is told whose
# herdd it is, not that herdd is not running (a real second user, made for
# the test and removed after it).

. "$(dirname "$0")/lib.sh"

command -v useradd >/dev/null || { note "skipped: no useradd"; exit 0; }
u=herdt$$
useradd -M -s /bin/sh "$u" || fail "cannot create user $u"
at_exit "userdel '$u' 2>/dev/null"
setup_herdd
sock=$(sed -n 's/^socket = //p' "$HOSTS")
out=$(runuser -u "$u" -- "$HERD_BIN/herd" -s "$sock" queue 2>&1) && fail "user $u reached root's herdd"
case $out in
*"permission denied: this herdd belongs to root"*) ;;
*) fail "user $u was told: $out" ;;
esac
case $out in
*"not running"*) fail "user $u was told herdd is not running: $out" ;;
esac
