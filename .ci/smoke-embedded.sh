#!/usr/bin/env bash
# Starts `npm start` on a fresh data directory exactly as a new user would, checks /healthz
# and one demo lease through the API with the generated demo key, stops it with SIGTERM and
# checks the data-directory lock is released.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir="$(mktemp -d)"
log="$(mktemp)"
port=$((20000 + RANDOM % 20000))
cleanup() {
  [ -n "${pid:-}" ] && kill -KILL -- "-$pid" 2>/dev/null || true
  rm -rf "$data_dir" "$log"
}
trap cleanup EXIT

# setsid: npm, its shell and node get a process group of their own to signal as one.
ARREARS_DATA_DIR="$data_dir" PORT="$port" setsid npm start >"$log" 2>&1 &
pid=$!

for _ in $(seq 1 180); do
  grep -q "Arrears is running at" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "smoke: server exited early"; exit 1; }
  sleep 1
done
grep -q "Arrears is running at" "$log" || { cat "$log"; echo "smoke: server did not start"; exit 1; }
cat "$log"

base="http://127.0.0.1:$port"
health="$(curl -fsS "$base/healthz")"; echo "$health"; echo "$health" | grep -q '"status":"ok"'
echo
test -f "$data_dir/arrears.lock" || { echo "smoke: no lockfile while running"; exit 1; }
key="$(cat "$data_dir/demo-api-key")"
lease="$(curl -fsS -H "Authorization: Bearer $key" "$base/v1/leases/CA-0001")"
echo "$lease" | head -c 400; echo
echo "$lease" | grep -q '"id":"CA-0001"'
echo "$lease" | grep -q '"days_past_due"'
# A key that is not the demo key is refused.
test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer ark_000000000000_xxxx' "$base/v1/leases/CA-0001")" = 401

# npm start runs node as a grandchild: signal the whole group, as Ctrl+C in a terminal does.
kill -TERM -- "-$pid"
for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 1; done
if kill -0 -- "-$pid" 2>/dev/null; then echo "smoke: server did not stop"; exit 1; fi
pid=""
if [ -e "$data_dir/arrears.lock" ]; then echo "smoke: lockfile not released"; exit 1; fi
echo "smoke: ok (started, served a demo lease, stopped, lock released)"
