#!/usr/bin/env bash
# `npm run demo`: the gateway with the bundled sandbox (simulated national platform and agencies), demo
# principals and Heyuan demo data, from a fresh clone with Node and npm alone. Installs the dependencies, makes
# sure PostgreSQL and Redis run (scripts/ensure-services.sh uses, starts or installs them), builds, creates and
# migrates the database, starts the sandbox and the gateway, creates API keys with the
# CLI, loads scripts/demo/data.js over HTTP, subscribes the sandbox's agencies, runs a deadline sweep, then
# keeps both in the foreground until Ctrl-C. Safe to run again: it reuses what exists; `--reset` drops the demo
# database first, so the simulated clock starts again from GATEWAY_CLOCK_START.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gateway}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PORT="${PORT:-3000}"
BASE_URL="http://127.0.0.1:${PORT}"
export SANDBOX_PORT="${SANDBOX_PORT:-4010}"
export SANDBOX_URL="http://127.0.0.1:${SANDBOX_PORT}"
# The gateway and the sandbox must agree on the platform credentials; a fresh secret each run, never stored.
export CREDIT_PLATFORM_URL="${SANDBOX_URL}/platform"
export CREDIT_PLATFORM_CLIENT_ID="${CREDIT_PLATFORM_CLIENT_ID:-gateway-demo}"
export CREDIT_PLATFORM_SECRET="${CREDIT_PLATFORM_SECRET:-whsec_$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')}"
# A simulated clock (DESIGN section 3), so a whole case (notice, listing, repair, expiry) can be watched in minutes:
# POST /v1/ops/clock moves it forward. It starts here on a fresh database and is kept in the database after that.
export GATEWAY_CLOCK="${GATEWAY_CLOCK-simulated}"
export GATEWAY_CLOCK_START="${GATEWAY_CLOCK_START:-2026-11-02T09:00:00+08:00}"
# The sandbox listens on plain http on this machine.
export OUTBOUND_HTTP_ALLOW="${OUTBOUND_HTTP_ALLOW:-127.0.0.1,localhost}"
# Who started the script (npm, which execs it, or a shell): when it goes, the demo goes with it, even if its
# signal never reached this script.
STARTED_BY=$PPID
KEYS_FILE=var/demo-keys.env
GATEWAY_LOG=var/demo-gateway.log
SANDBOX_LOG=var/demo-sandbox.log
GATEWAY_PID=""
SANDBOX_PID=""

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

RESET=false
for arg in "$@"; do
  case "$arg" in
    --reset) RESET=true ;;
    *) die "unknown option $arg (the one option is --reset: start again on a fresh demo database)" ;;
  esac
done

prepare() {
  say "dependencies"
  node scripts/ensure-deps.js
  say "PostgreSQL and Redis"
  bash scripts/ensure-services.sh
  say "build"
  npm run build
  say "database"
  if $RESET; then node scripts/create-database.js --drop; fi
  node scripts/create-database.js
  npm run migration:run
}

http_status() { node scripts/demo/http.js "$@"; }

start_gateway() {
  [[ $(http_status "${BASE_URL}/health") == 000 ]] || die "something already answers on port ${PORT}; stop it or run with PORT=<another port>"
  say "starting the gateway on ${BASE_URL} (log: ${GATEWAY_LOG})"
  mkdir -p var
  # Its own process group, so Ctrl-C reaches only this script, which then stops the gateway once, gracefully.
  set -m
  node dist/main.js >"$GATEWAY_LOG" 2>&1 &
  GATEWAY_PID=$!
  set +m
  for _ in $(seq 1 60); do
    if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
      tail -n 30 "$GATEWAY_LOG" >&2 || true
      GATEWAY_PID=""
      die "the gateway exited during start-up (log above)"
    fi
    [[ $(http_status "${BASE_URL}/health") == 200 ]] && return 0
    sleep 1
  done
  die "no healthy answer from ${BASE_URL}/health within 60 s; see ${GATEWAY_LOG}"
}

start_sandbox() {
  [[ $(http_status "${SANDBOX_URL}/health") == 000 ]] || die "something already answers on port ${SANDBOX_PORT}; stop it or run with SANDBOX_PORT=<another port>"
  say "starting the sandbox on ${SANDBOX_URL} (log: ${SANDBOX_LOG})"
  mkdir -p var
  set -m
  GATEWAY_URL="$BASE_URL" node -r ts-node/register/transpile-only sandbox/main.ts >"$SANDBOX_LOG" 2>&1 &
  SANDBOX_PID=$!
  set +m
  for _ in $(seq 1 60); do
    kill -0 "$SANDBOX_PID" 2>/dev/null || { tail -n 30 "$SANDBOX_LOG" >&2; SANDBOX_PID=""; die "the sandbox exited during start-up"; }
    [[ $(http_status "${SANDBOX_URL}/health") == 200 ]] && return 0
    sleep 1
  done
  die "no answer from ${SANDBOX_URL}/health within 60 s; see ${SANDBOX_LOG}"
}

stop_all() {
  stop_gateway
  if [[ -n "$SANDBOX_PID" ]] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "stopping the sandbox"
    kill -TERM "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  SANDBOX_PID=""
}

stop_gateway() {
  [[ -n "$GATEWAY_PID" ]] || return 0
  if kill -0 "$GATEWAY_PID" 2>/dev/null; then
    echo "stopping the gateway"
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$GATEWAY_PID" 2>/dev/null || true
  fi
  wait "$GATEWAY_PID" 2>/dev/null || true
  GATEWAY_PID=""
}

# name of the variable in the keys file | principal:create arguments
PRINCIPALS=(
  "ADMIN_KEY|--role admin --name demo-admin"
  "OPERATOR_KEY|--role operator --name demo-operator"
  "INDUSTRY_IT_KEY|--role department --department industry_it --name demo-工业和信息化局"
  "ECOLOGY_ENVIRONMENT_KEY|--role department --department ecology_environment --name demo-生态环境局"
  "MARKET_REGULATION_KEY|--role department --department market_regulation --name demo-市场监管局"
  "EMERGENCY_MANAGEMENT_KEY|--role department --department emergency_management --name demo-应急管理局"
  "DEVELOPMENT_REFORM_KEY|--role department --department development_reform --name demo-发展和改革局"
  "LAND_SUPPLY_AGENCY_KEY|--role agency --domains land_supply --name demo-自然资源局"
)

# True when the keys file exists and every key in it still authenticates against this database.
keys_still_valid() {
  [[ -f "$KEYS_FILE" ]] || return 1
  (
    set +u
    # shellcheck disable=SC1090
    source "$KEYS_FILE"
    for entry in "${PRINCIPALS[@]}"; do
      var="${entry%%|*}"
      key="${!var:-}"
      [[ -n "$key" ]] || exit 1
      status=$(http_status "${BASE_URL}/v1/obligations?limit=1" "$key")
      [[ "$status" != 401 ]] || exit 1
    done
  )
}

# A subshell, so the private umask applies to the keys file only.
create_keys() (
  tmp="${KEYS_FILE}.tmp"
  umask 077
  {
    echo "# API keys of the demo principals, written by npm run demo. Load with: source ${KEYS_FILE}"
    echo "export GATEWAY_URL='${BASE_URL}'"
    # So that CLI commands run in the same shell reach the demo's database.
    echo "export DATABASE_URL='${DATABASE_URL}'"
  } >"$tmp"
  for entry in "${PRINCIPALS[@]}"; do
    var="${entry%%|*}"
    # shellcheck disable=SC2086 # the arguments are word-split on purpose
    line=$(npm run --silent cli -- principal:create ${entry#*|} | tail -n 1)
    node -e '
      const p = JSON.parse(process.argv[1]);
      process.stdout.write(`export ${process.argv[2]}=${JSON.stringify(p.key)}  # principal ${p.id}, ${p.role}\n`);
    ' "$line" "$var" >>"$tmp"
  done
  mv "$tmp" "$KEYS_FILE"
)

demo_keys() {
  mkdir -p var
  if keys_still_valid; then
    say "reusing the demo keys in ${KEYS_FILE}"
    sed -i.bak "s|^export GATEWAY_URL=.*|export GATEWAY_URL='${BASE_URL}'|" "$KEYS_FILE"
    rm -f "${KEYS_FILE}.bak"
  else
    say "creating demo principals (npm run cli -- principal:create ...)"
    create_keys
  fi
  # shellcheck disable=SC1090
  source "$KEYS_FILE"
}

load_demo_data() {
  say "loading demo data over ${BASE_URL}"
  node scripts/demo/load.js
}

connect_sandbox() {
  say "subscribing the sandbox's agencies and running a deadline sweep"
  node scripts/demo/connect.js
}

clock_line() { node scripts/demo/http.js --clock "$BASE_URL" 2>/dev/null || echo "see ${BASE_URL}/health"; }

show_where_to_look() {
  cat <<EOF

The gateway runs at ${BASE_URL}
  operator console:   ${BASE_URL}/console   (sign in with OPERATOR_KEY from ${KEYS_FILE})
  API docs (OpenAPI): ${BASE_URL}/docs
  health, metrics:    ${BASE_URL}/health  ${BASE_URL}/metrics
  signing keys:       ${BASE_URL}/.well-known/jwks.json
  clock:              $(clock_line)
                      move it forward: curl -X POST "\$GATEWAY_URL/v1/ops/clock" -H "Authorization: Bearer \$ADMIN_KEY" \\
                        -H 'Content-Type: application/json' -d '{"now":"2026-11-13T09:00:00+08:00"}'
The sandbox runs at ${SANDBOX_URL}
  platform holdings:  ${SANDBOX_URL}/control/platform/records
  an agency's inbox:  ${SANDBOX_URL}/control/agencies/natural-resources/received
  counters, faults:   ${SANDBOX_URL}/control/stats  ${SANDBOX_URL}/control/faults
  demo API keys:      ${KEYS_FILE}   (source it, then e.g.
                      curl -H "Authorization: Bearer \$OPERATOR_KEY" "\$GATEWAY_URL/v1/obligations?stage=exit_ordered")
  logs:               ${GATEWAY_LOG}  ${SANDBOX_LOG}
Press Ctrl-C to stop both.
EOF
}

main() {
  prepare
  trap stop_all EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  start_sandbox
  start_gateway
  demo_keys
  load_demo_data
  connect_sandbox
  show_where_to_look
  command -v curl >/dev/null || echo "(the README's examples use curl, which this machine lacks: sudo apt-get install curl)"
  while kill -0 "$GATEWAY_PID" 2>/dev/null; do
    kill -0 "$STARTED_BY" 2>/dev/null || { echo "the process that started the demo has gone; stopping"; exit 143; }
    # `wait` on a timer, not `sleep` alone, so that a signal is handled at once.
    sleep 1 & wait $! || true
  done
  local status=0
  wait "$GATEWAY_PID" || status=$?
  GATEWAY_PID=""
  die "the gateway stopped by itself (exit status ${status}); see ${GATEWAY_LOG}"
}

main "$@"
