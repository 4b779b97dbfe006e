#!/bin/bash
# t_oversize: a job that no node could ever run is refused at submit, with
# a message naming the resource, and leaves nothing in the queue or the
# history (else it would pend forever and, FCFS, block everyone behind it).

. "$(dirname "$0")/lib.sh"

setup_herdd

# refuse WORD ARGS...: herd submit ARGS fails, says WORD, queues nothing.
refuse() {
	local word=$1 out rc
	shift
	out=$(herd submit "$@" --wrap true 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] || fail "herd submit $* succeeded ($out); expected a refusal"
	grep -qi -- "$word" <<<"$out" ||
	    fail "herd submit $*: message does not mention $word: $out"
	assert_eq "lines of the refusal of $*" 1 "$(printf '%s\n' "$out" | wc -l)"
	assert_eq "herd queue --json after submit $*" "[]" "$(herd queue --json | jq -c .)"
	assert_eq "herd history --all --json after submit $*" "[]" \
	    "$(herd history --all --json | jq -c .)"
}

refuse gpu --gpus 9
refuse gpu -G 9
refuse gpu --gres=gpu:9
refuse cpu --cpus 1000
refuse cpu --cpus 3          # each node has 2
refuse mem --mem 100T
refuse mem --mem 64T
refuse mem --mem 1000G

# The biggest that fits is accepted and runs (so the refusals above are not
# just a broken submit).
id=$(submit --gpus 8 --cpus 2 --wrap 'echo "$CUDA_VISIBLE_DEVICES" >big.out')
wait_jobs 60 "$id" || fail "the biggest job that fits (8 GPUs, 2 CPUs) did not complete"
assert_file_is "$WORK/big.out" "0,1,2,3,4,5,6,7
"
assert_idle
