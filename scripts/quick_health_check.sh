#!/bin/sh
# Health check: temp files, task health, disk space; exits 8 when something is wrong.
# A thin wrapper over `symphony-conductor health-check` (see docs/maintenance.md); all flags pass through.
# Resolves symlinks to itself, so it works when linked from elsewhere (e.g. /usr/local/bin).
set -eu
self=$0
while [ -L "$self" ]; do
  target=$(readlink "$self")
  case $target in
    /*) self=$target ;;
    *) self=$(dirname "$self")/$target ;;
  esac
done
exec node "$(dirname "$self")/../dist/cli/main.js" health-check "$@"
