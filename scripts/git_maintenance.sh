#!/bin/sh
# Git maintenance: gc and prune the root's repository (skipped, exit 0, when it is none or busy).
# A thin wrapper over `symphony-conductor git-maintenance` (see docs/maintenance.md); all flags pass through.
# readlink -f finds the real file through any symlink (to the script or to scripts/ itself),
# so it works linked from elsewhere or run as ./scripts/... from a home that links scripts/.
set -eu
exec node "$(dirname -- "$(readlink -f -- "$0")")/../dist/cli/main.js" git-maintenance "$@"
