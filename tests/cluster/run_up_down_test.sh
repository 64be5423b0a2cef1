#!/usr/bin/env bash
# Checks `./run up`, `./run status` and `./run down` with the built binaries in
# a temporary run folder on free loopback ports. Every service must reach
# SERVING, a second `up` must leave the cluster alone, and `down` must stop
# every recorded process.
#
# usage: run_up_down_test.sh REPOSITORY BUILD_DIR
set -euo pipefail

ROOT=$1
export GOALPOST_BUILD_DIR=$2
export GOALPOST_RUN_DIR
GOALPOST_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/goalpost-run-test-XXXXXX")

fail() {
  echo "FAILED: $*" >&2
  for log in "$GOALPOST_RUN_DIR"/logs/*.log; do
    [[ -f $log ]] || continue
    echo "--- end of $log" >&2
    tail -n 20 "$log" >&2
  done
  exit 1
}

cleanup() {
  "$ROOT/run" down >/dev/null 2>&1 || true
  # The cluster may live outside the run folder (see tools/local-postgres).
  local outside
  outside=$(readlink -f "$GOALPOST_RUN_DIR/postgres" 2>/dev/null || true)
  if [[ -n $outside && $outside != "$GOALPOST_RUN_DIR"/* ]]; then
    rm -rf "$outside"
  fi
  rm -rf "$GOALPOST_RUN_DIR"
}
trap cleanup EXIT

# Six free ports on 127.0.0.1: five consecutive ones for the services and one
# for PostgreSQL. A port can be taken between this check and the bind; the
# test then fails with the service log rather than passing wrongly.
read -r GOALPOST_FIRST_PORT GOALPOST_POSTGRES_PORT < <(/usr/bin/python3 - <<'EOF'
import random
import socket

def free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False

while True:
    first = random.randrange(20000, 30000)
    if all(free(port) for port in range(first, first + 6)):
        print(first, first + 5)
        break
EOF
)
export GOALPOST_FIRST_PORT GOALPOST_POSTGRES_PORT
echo "run folder $GOALPOST_RUN_DIR, services from port $GOALPOST_FIRST_PORT," \
  "PostgreSQL on $GOALPOST_POSTGRES_PORT"

"$ROOT/run" up || fail "./run up exited with $?"

services=(datasets inference metrics explain orchestrator)
pids=()
for name in "${services[@]}"; do
  pid_file=$GOALPOST_RUN_DIR/pids/$name.pid
  [[ -f $pid_file ]] || fail "no pid file for $name"
  pid=$(cat "$pid_file")
  kill -0 "$pid" || fail "$name (pid $pid) is not running after up"
  pids+=("$pid")
done
postgres_pid=$(cat "$GOALPOST_RUN_DIR/pids/postgres.pid")
kill -0 "$postgres_pid" || fail "PostgreSQL (pid $postgres_pid) is not running after up"

# Every service reports SERVING on its port.
addresses=()
for index in "${!services[@]}"; do
  addresses+=("127.0.0.1:$((GOALPOST_FIRST_PORT + index))")
done
/usr/bin/python3 "$ROOT/tools/grpc_health.py" "${addresses[@]}" ||
  fail "not every service reports SERVING after up"

second_up=$("$ROOT/run" up) || fail "a second ./run up exited with $?"
grep -q "already running" <<<"$second_up" || fail "a second up did not report 'already running': $second_up"
for index in "${!services[@]}"; do
  [[ $(cat "$GOALPOST_RUN_DIR/pids/${services[$index]}.pid") == "${pids[$index]}" ]] ||
    fail "a second up restarted ${services[$index]}"
done

"$ROOT/run" status || fail "./run status exited with $?"

"$ROOT/run" down || fail "./run down exited with $?"
for index in "${!services[@]}"; do
  ! kill -0 "${pids[$index]}" 2>/dev/null || fail "${services[$index]} still runs after down"
  [[ ! -f $GOALPOST_RUN_DIR/pids/${services[$index]}.pid ]] || fail "pid file of ${services[$index]} left"
done
! kill -0 "$postgres_pid" 2>/dev/null || fail "PostgreSQL still runs after down"
[[ ! -f $GOALPOST_RUN_DIR/pids/postgres.pid ]] || fail "pid file of PostgreSQL left"

echo "PASSED: up, a second up, status and down"
