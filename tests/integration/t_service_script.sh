#!/bin/bash
# t_service_script: a script whose #HERD lines say --service NAME (and the
# service's other options) becomes that service with herd submit: it
# restarts by its policy (here a crash loop past --max-restarts 1), its
# --port serves python3 -m http.server through curl; herd service start
# NAME SCRIPT reads the script's #HERD lines under the command line's
# (the command line's --restart wins); a service option without --service,
# or on an #SBATCH line, is refused with its line and queues nothing.

. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (scripts/deps installs it)"
command -v curl >/dev/null || fail "curl is needed (scripts/deps installs it)"
setup_herdd
tag="16$UNIQ"
dir=$WORK/site$tag
mkdir -p "$dir" && echo "script served $tag" >"$dir/index.html"

svc() {	# svc NAME JQ: a field of service NAME in herd service ls --json
	herd service ls --json | jq -r --arg n "$1" ".[] | select(.name == \$n) | $2"
}

# --- herd submit of a --service script with --port: it serves.
cat >web.sh <<SCRIPT
#!/bin/sh
#SBATCH -J ignored-name-of-$tag
#HERD --service web --restart=always
#HERD --port --max-restarts 4 --restart-window 1h
exec python3 -m http.server "\$HERD_PORT" --directory "$dir"
SCRIPT
out=$(herd submit web.sh) || fail "herd submit web.sh: $out"
id=$(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd submit printed '$out'"
wait_state "$id" RUNNING 30
assert_eq "its job is service web" web "$(field "$id" .service)"
assert_eq "restart policy from #HERD" always "$(svc web .restart)"
ep=
for ((i = 0; i < 100; i++)); do
	ep=$(svc web '.endpoints[0] // empty')
	[ -n "$ep" ] && break
	sleep 0.1
done
[[ $ep =~ ^node[0-9]+:[0-9]+$ ]] || fail "herd service ls --json endpoint: '$ep'"
node=${ep%%:*} port=${ep##*:}
host=$(awk -v n="[node $node]" '$0 == n { f = 1; next } f && /^host *=/ { print $3; exit }' "$HOSTS")
body=
for ((i = 0; i < 100; i++)); do
	body=$(curl -s --max-time 2 "http://$host:$port/index.html") && break
	sleep 0.1
done
assert_eq "curl http://$ep" "script served $tag" "$body"
herd service stop web >/dev/null || fail "herd service stop web"
wait_state "$id" CANCELLED 20

# --- a script service that fails crash-loops by its #HERD policy.
cat >crash.sh <<SCRIPT
#!/bin/sh
#HERD --service crash --max-restarts 1 --restart-window 10m
sleep 1.$tag
exit 3
SCRIPT
id=$(submit crash.sh)
for ((i = 0; i < 300; i++)); do
	[ "$(field "$id" .state)" = FAILED ] && break
	sleep 0.1
done
assert_eq "crash.sh's end" "FAILED CrashLoop 1" "$(field "$id" '"\(.state) \(.reason) \(.restarts)"')"
assert_eq "crash.sh's attempts" 2 "$(hist_of "$id" '.attempts | length')"

# --- herd service start NAME SCRIPT: the command line's options win.
cat >once.sh <<SCRIPT
#!/bin/sh
#HERD --restart always --max-restarts 7
exec sleep 300$tag
SCRIPT
out=$(herd service start once --restart never once.sh) || fail "service start once once.sh: $out"
oid=$(sed -n 's/^Submitted service once as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$oid" ] || fail "herd service start printed '$out'"
wait_state "$oid" RUNNING 30
assert_eq "command line's --restart wins" never "$(svc once .restart)"
pgrep -f "sleep 300$tag" >/dev/null || fail "once.sh's command is not running"
herd service stop once >/dev/null || fail "herd service stop once"
wait_state "$oid" CANCELLED 20

# --- refusals, with the line; nothing queued.
printf '#!/bin/sh\n#SBATCH -t 5\n\n#HERD --restart always\ntrue\n' >nosvc.sh
out=$(herd submit nosvc.sh 2>&1) && fail "a --restart script without --service was queued: $out"
grep -q "nosvc.sh:4: --restart without --service NAME" <<<"$out" || fail "refusal: $out"
printf '#!/bin/sh\n#SBATCH --service web\ntrue\n' >slurm.sh
out=$(herd submit slurm.sh 2>&1) && fail "#SBATCH --service was queued: $out"
grep -q "slurm.sh:2: --service is herd's, not Slurm's" <<<"$out" || fail "refusal: $out"
printf '#!/bin/sh\n#HERD --service x --health-http /\ntrue\n' >nohp.sh
out=$(herd submit nohp.sh 2>&1) && fail "--health-http without --port was queued: $out"
grep -q "needs --port" <<<"$out" || fail "refusal: $out"
out=$(herd service start x --restart never no-such-script-$tag 2>&1) && fail "queued: $out"
grep -q "no script" <<<"$out" || fail "a missing script: $out"
assert_idle
