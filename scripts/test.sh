#!/usr/bin/env bash
# npm test: install what is missing, start the PostgreSQL, MariaDB and NATS test servers, run every test.
# Tests that need a server never skip: if a server cannot start, this fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi
eval "$(bash scripts/test-servers.sh start)"
export REDB_TEST_PG_URL REDB_TEST_MYSQL_URL REDB_TEST_NATS_URL
exec node_modules/.bin/vitest run "$@"
