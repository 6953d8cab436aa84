#!/usr/bin/env bash
# `make bench`: the project alone, served as `make serve` serves it, on a throwaway PostgreSQL.
#
#   bench/run.sh [DURATION] [CONNECTIONS]      (defaults: 10 s per run, 16 connections)
#
# Scenarios (wrk with bench/load.lua, keep-alive): list (GET /api/tasks/, the caller owns 20
# tasks), get (GET /api/tasks/{id}/), mix (40 % list, 40 % get, 20 % create/toggle/delete),
# unauth (a token whose signature is wrong -> 401); key-list and key-get, the same list and get
# with the caller's API key instead of a token (each also counted by the per-key throttle); then
# the same list and get with
# 1 000 000 tasks of 10 000 other people in the table; list for a caller owning 10 000
# tasks; and a 60 s soak (mix) sampling the workers' memory.
# Prints one JSON line per run and a table; writes them to RESULTS (bench/results.jsonl).
# Env: DURATION, CONNECTIONS, SCENARIOS ("small key grow big soak"), SOAK (60), RESULTS.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-${DURATION:-10}}
CONNECTIONS=${2:-${CONNECTIONS:-16}}
SCENARIOS=${SCENARIOS:-small key grow big soak}
SOAK=${SOAK:-60}
RESULTS=${RESULTS:-bench/results.jsonl}
PORT=${BENCH_PORT:-8765}
BASE=http://127.0.0.1:$PORT

scripts/ensure-wrk
make --no-print-directory install >/dev/null
work=$(mktemp -d)
chmod 755 "$work"
server=
cleanup() {
  # make exits 143 on the TERM that stops it; that is the end we asked for, not a failure.
  [ -n "$server" ] && kill -TERM -- "-$server" 2>/dev/null && { wait "$server" 2>/dev/null || true; }
  scripts/postgres stop "$work/postgres" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
export DATABASE_URL=$(scripts/postgres start "$work/postgres")
export DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_HSTS_SECONDS=0 \
  DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))') \
  BETTER_AUTH_SECRET=$secret DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost SERVER_BIND=127.0.0.1:$PORT \
  THROTTLE_RATE_API_KEY=100000000/s
make --no-print-directory migrate >/dev/null

sub=benchCaller0000000000000000000001
token=$(.venv/bin/python - "$secret" "$sub" <<'PY'
import sys, time, jwt
now = int(time.time())
print(jwt.encode({"sub": sys.argv[2], "email": "caller@bench.invalid", "iat": now, "exp": now + 86400},
                 sys.argv[1], algorithm="HS256"))
PY
)
bad_token=${token%?}$([ "${token: -1}" = A ] && echo B || echo A)

setsid make --no-print-directory serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "$BASE/health" && break
  sleep 0.2
done
curl -fs -o /dev/null "$BASE/health" || { tail -20 "$work/serve.log" >&2; exit 1; }
# Django's own 40x lines and the access lines are written as in production, into the log file.

: >"$RESULTS"
measure() { # LABEL SCENARIO TOKEN IDS [SECONDS]: one wrk run, its JSON line on stdout
  local out
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${5:-$DURATION}"s --timeout 5s --latency -s bench/load.lua "$BASE" \
    -- "$2" "$3" /api/tasks / "$4" keep | grep '^BENCHJSON ' | cut -d' ' -f2-)
  echo "{\"label\":\"$1\",${out#\{}"
}
run() { measure "$@" | tee -a "$RESULTS"; }
seed() { .venv/bin/python bench/seed.py user "$sub" caller@bench.invalid "$1"; }
worker_rss_kib() { # summed RSS of the server's worker processes
  ps -o rss= --ppid "$(pgrep -f -o 'python -m server$' --pgroup "$server")" | awk '{s += $1} END {print s + 0}'
}

ids=$(seed 20)
measure warmup list "$token" "$ids" 3 >/dev/null
for scenario in $SCENARIOS; do
  case $scenario in
    small)
      for s in list get mix unauth; do
        [ "$s" = mix ] && ids=$(seed 20)
        run "small-$s" "$s" "$([ "$s" = unauth ] && echo "$bad_token" || echo "$token")" "$ids"
      done ;;
    key)
      ids=$(seed 20)
      key=$(.venv/bin/python bench/seed.py api_key "$sub")
      run key-list list "$key" "$ids"
      run key-get get "$key" "$ids" ;;
    grow)
      ids=$(seed 20)
      .venv/bin/python bench/seed.py grow 10000 100
      run grow-list list "$token" "$ids"
      run grow-get get "$token" "$ids" ;;
    big)
      ids=$(seed 10000)
      run big-list list "$token" "$ids" ;;
    soak)
      ids=$(seed 20)
      measure soak-warmup mix "$token" "$ids" 10 >/dev/null
      before=$(worker_rss_kib)
      measure soak mix "$token" "$ids" "$SOAK" >"$work/soak.json"
      after=$(worker_rss_kib)
      requests=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' "$work/soak.json")
      python3 - "$work/soak.json" "$before" "$after" "$requests" <<'PY' | tee -a "$RESULTS"
import json, sys
soak = json.load(open(sys.argv[1]))
before, after, requests = (int(v) for v in sys.argv[2:])
soak.update(workers_rss_kib_before=before, workers_rss_kib_after=after,
            rss_kib_per_10k_requests=round((after - before) / requests * 10000, 1) if requests else None)
print(json.dumps(soak))
PY
      ;;
  esac
done

python3 - "$RESULTS" <<'PY'
import json, sys
print(f"\n{'run':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'errors':>8}")
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"{r['label']:<14}{r['rps']:>9.1f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['non_2xx']:>9}"
          f"{r['socket_errors']['total']:>8}" + (f"   worker RSS {r['workers_rss_kib_before']} -> "
          f"{r['workers_rss_kib_after']} KiB, {r['rss_kib_per_10k_requests']} KiB / 10k requests"
          if "rss_kib_per_10k_requests" in r else ""))
PY
