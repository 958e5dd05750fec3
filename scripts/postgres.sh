#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with a login role
# root/root that may create databases, and a database "test" (stock Debian
# cluster: peer on the socket, scram on TCP; trust clusters work the same way).
set -euo pipefail
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=root PGPASSWORD=root
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -q; then
  echo "== starting PostgreSQL"
  read -r ver name _ < <(pg_lsclusters -h | head -1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
  for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
fi
if ! psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  echo "== creating PostgreSQL role root"
  # -h/-U explicit: runuser keeps PGHOST/PGUSER from above.
  runuser -u postgres -- psql -h /var/run/postgresql -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'root') THEN CREATE ROLE root LOGIN SUPERUSER; END IF; END \$\$;" \
    -c "ALTER ROLE root PASSWORD 'root'"
fi
psql -d postgres -Atqc "select 1 from pg_database where datname = 'test'" | grep -q 1 || createdb test
