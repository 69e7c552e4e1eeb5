#!/usr/bin/env bash
# Makes sure the PostgreSQL of DATABASE_URL and the Redis of REDIS_URL answer (for `npm run demo` and CI; run
# after `npm ci`, as it probes with the project's own drivers). For each: use it when it answers; else, when the
# URL points at this machine, start a locally installed server on the URL's port; else install one with apt-get
# (as root, or with sudo when it asks no password) and start it; else say in one line what to do.
# A server this script installs or creates is set up to let the URL's user in; an existing one is never changed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'services: %s\n' "$*"; }
# One line, and EX_UNAVAILABLE like the gateway itself.
give_up() { printf 'services: %s\n' "$*" >&2; exit 69; }

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo -n"; fi
can_install() { command -v apt-get >/dev/null && { [[ -z "$SUDO" ]] || sudo -n true 2>/dev/null; }; }
is_local() { [[ "$1" == 127.* || "$1" == localhost || "$1" == ::1 ]]; }

APT_UPDATED=false
apt_install() {
  local what="$1" rc
  shift
  say "installing ${what} with apt-get ($*); this takes a minute or two"
  set +e
  if ! $APT_UPDATED; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q -o=Dpkg::Use-Pty=0 | sed -u 's/^/  apt: /'
    APT_UPDATED=true
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o=Dpkg::Use-Pty=0 "$@" 2>&1 |
    grep --line-buffered -E '^(Get|Setting up|E:)' | sed -u 's/^/  apt: /'
  rc=${PIPESTATUS[0]}
  set -e
  [[ $rc -eq 0 ]] || give_up "apt-get could not install ${what} (exit status ${rc}; see above); install it yourself, or run the whole stack with: docker compose up --build"
  say "${what} installed"
}

# Reads host, port, user, password and database of a URL into PROBE_* and leaves the probe's verdict in
# PROBE_STATUS (0 answers, 2 nothing listens, 1 refused) and its reason in PROBE_REASON.
probe() {
  local out err
  err=$(mktemp)
  PROBE_STATUS=0
  out=$(node scripts/probe-services.js "$1" 2>"$err") || PROBE_STATUS=$?
  PROBE_REASON=$(head -c 300 "$err" | tr '\n' ' ')
  rm -f "$err"
  IFS=$'\x1f' read -r PROBE_HOST PROBE_PORT PROBE_USER PROBE_PASSWORD PROBE_DB <<<"$out" || true
}

wait_for() {
  for _ in $(seq 1 30); do
    probe "$1"
    [[ $PROBE_STATUS -ne 2 ]] && return 0
    sleep 1
  done
}

as_postgres() {
  if [[ -z "$SUDO" ]]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
}

# The cluster (version and name) configured on a port, from pg_lsclusters.
cluster_on_port() { pg_lsclusters -h 2>/dev/null | awk -v port="$1" '$3 == port { print $1, $2; exit }'; }

# Lets the URL's user in on a cluster this script installed or created: with the URL's password, or, when the
# URL has none, without one for connections from this machine only (a demo machine's choice, said aloud).
admit_user() {
  local version="$1" name="$2" port="$3" user="${PROBE_USER:-postgres}"
  local hba="/etc/postgresql/${version}/${name}/pg_hba.conf" tmp
  # psql's own quoting (:'var', %I, %L), so no name or password is ever pasted into SQL.
  as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 -v user="$user" -v pw="$PROBE_PASSWORD" -d postgres <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN CREATEDB PASSWORD %L', :'user', :'pw') WHERE :'pw' <> '' \gexec
SQL
  if [[ -n "$PROBE_PASSWORD" ]]; then
    say "role ${user} has the password given in DATABASE_URL"
  else
    say "DATABASE_URL has no password: connections from this machine as ${user} are let in without one (${hba}); give the URL a password on anything but a demo machine"
    tmp=$(mktemp)
    {
      echo "# Added by the gateway's service set-up: DATABASE_URL has no password."
      printf 'host all "%s" 127.0.0.1/32 trust\nhost all "%s" ::1/128 trust\n' "${user//\"/\"\"}" "${user//\"/\"\"}"
      $SUDO cat "$hba"
    } >"$tmp"
    # cp onto the file keeps its owner and mode.
    $SUDO cp "$tmp" "$hba"
    rm -f "$tmp"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload
}

ensure_postgres() {
  probe postgres
  local where="${PROBE_HOST}:${PROBE_PORT}"
  case $PROBE_STATUS in
    0) say "PostgreSQL answers at ${where}"; return 0 ;;
    1) give_up "PostgreSQL at ${where} answers but refuses us: ${PROBE_REASON}(check the user and password in DATABASE_URL)" ;;
  esac
  is_local "$PROBE_HOST" || give_up "PostgreSQL does not answer at ${where} (${PROBE_REASON% }); start it there, or point DATABASE_URL at one that runs"
  local installed_now=false created_now=false
  if ! command -v pg_lsclusters >/dev/null; then
    can_install || give_up "PostgreSQL does not answer at ${where} and is not installed; install PostgreSQL 15 or later (Debian/Ubuntu: sudo apt-get install postgresql), or run the whole stack with: docker compose up --build"
    apt_install PostgreSQL postgresql
    installed_now=true
  fi
  local cluster version name
  cluster=$(cluster_on_port "$PROBE_PORT")
  if [[ -z "$cluster" ]]; then
    # A fresh install's own cluster is moved to the URL's port; otherwise a new cluster gets that port.
    if $installed_now && [[ $(pg_lsclusters -h | wc -l) -eq 1 ]]; then
      read -r version name _ < <(pg_lsclusters -h)
      say "PostgreSQL ${version} cluster ${name} moves to port ${PROBE_PORT}"
      $SUDO pg_conftool "$version" "$name" set port "$PROBE_PORT"
    else
      version=$(ls /usr/lib/postgresql | sort -n | tail -1)
      name="gateway_${PROBE_PORT}"
      can_install || give_up "PostgreSQL is installed but no cluster is set up for port ${PROBE_PORT}; create one (pg_createcluster -p ${PROBE_PORT} ${version} ${name}) or change DATABASE_URL"
      say "creating PostgreSQL ${version} cluster ${name} on port ${PROBE_PORT}"
      $SUDO pg_createcluster -p "$PROBE_PORT" "$version" "$name" | sed 's/^/  /'
      created_now=true
    fi
  else
    read -r version name <<<"$cluster"
  fi
  # A package's own scripts may have started it already (on its old port, when it was just moved).
  local action=start
  if $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" "$name" status >/dev/null 2>&1; then action=restart; fi
  say "PostgreSQL ${version} cluster ${name} on port ${PROBE_PORT}: ${action}"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" "$name" "$action" ||
    give_up "PostgreSQL ${version}/${name} did not ${action}; see /var/log/postgresql/postgresql-${version}-${name}.log"
  wait_for postgres
  if [[ $PROBE_STATUS -eq 1 ]] && { $installed_now || $created_now; }; then
    admit_user "$version" "$name" "$PROBE_PORT"
    wait_for postgres
  fi
  case $PROBE_STATUS in
    0) say "PostgreSQL answers at ${where}" ;;
    1) give_up "PostgreSQL at ${where} started but refuses us: ${PROBE_REASON}(check the user and password in DATABASE_URL)" ;;
    *) give_up "PostgreSQL at ${where} started but does not answer: ${PROBE_REASON}" ;;
  esac
}

ensure_redis() {
  probe redis
  local where="${PROBE_HOST}:${PROBE_PORT}"
  case $PROBE_STATUS in
    0) say "Redis answers at ${where}"; return 0 ;;
    1) give_up "Redis at ${where} answers but refuses us: ${PROBE_REASON}(check REDIS_URL)" ;;
  esac
  is_local "$PROBE_HOST" || give_up "Redis does not answer at ${where} (${PROBE_REASON% }); start it there, or point REDIS_URL at one that runs"
  if ! command -v redis-server >/dev/null; then
    can_install || give_up "Redis does not answer at ${where} and is not installed; install Redis 6.2 or later (Debian/Ubuntu: sudo apt-get install redis-server), or run the whole stack with: docker compose up --build"
    apt_install Redis redis-server
    # The package may have started its own on this port.
    probe redis
    [[ $PROBE_STATUS -eq 0 ]] && { say "Redis answers at ${where}"; return 0; }
  fi
  say "starting Redis on ${where}"
  # As the demo's and the tests' scratch store: nothing is written to disk. The password, if any, goes in on
  # stdin rather than on a command line anyone can read.
  { [[ -z "$PROBE_PASSWORD" ]] || printf 'requirepass "%s"\n' "${PROBE_PASSWORD//\"/\\\"}"; } |
    redis-server - --daemonize yes --bind "$PROBE_HOST" --port "$PROBE_PORT" --save "" --appendonly no >/dev/null
  wait_for redis
  case $PROBE_STATUS in
    0) say "Redis answers at ${where}" ;;
    *) give_up "Redis at ${where} started but does not answer: ${PROBE_REASON}" ;;
  esac
}

ensure_postgres
ensure_redis
