#!/usr/bin/env bash
# Runs a command ROUNDS times in a row while every core is kept busy by a CPU burner, and fails on
# the first failing round. For suites whose guarantees must not depend on the machine's speed
# (issue: "once per directory" on a loaded machine). The burners stop when the rounds end, and in
# any case after 20 minutes.
# Usage: scripts/under-load.sh ROUNDS command [args…]
set -euo pipefail
rounds="$1"; shift
burners=()
for _ in $(seq 1 "$(nproc)"); do
  timeout 1200 node -e 'for (;;) { Math.sqrt(Math.random()); }' &
  burners+=("$!")
done
stop() { kill "${burners[@]}" 2>/dev/null || true; wait "${burners[@]}" 2>/dev/null || true; }
trap stop EXIT
for round in $(seq 1 "$rounds"); do
  echo "under load ($(nproc) burners), round ${round}/${rounds}: $*"
  "$@"
done
