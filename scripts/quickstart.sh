#!/usr/bin/env bash
# npm run quickstart: build if needed, then run the quick start on an embedded SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] || npm run build
exec node scripts/quickstart.mjs "$@"
