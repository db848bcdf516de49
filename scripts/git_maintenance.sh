#!/bin/sh
# Git maintenance: gc and prune the root's repository (skipped, exit 0, when it is none or busy).
# A thin wrapper over `symphony-conductor git-maintenance` (see docs/maintenance.md); all flags pass through.
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
exec node "$(dirname "$self")/../dist/cli/main.js" git-maintenance "$@"
