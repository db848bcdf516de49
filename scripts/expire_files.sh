#!/bin/sh
# Expired files: add | list | run | remove.
# A thin wrapper over `symphony-conductor expire` (see docs/maintenance.md); all flags pass through.
# Finds its real folder (through a symlink to the script or to scripts/ itself), so it works when
# linked from elsewhere (e.g. /usr/local/bin) or run as ./scripts/... from a home that links scripts/.
set -eu
self=$0
while [ -L "$self" ]; do
  target=$(readlink "$self")
  case $target in
    /*) self=$target ;;
    *) self=$(dirname "$self")/$target ;;
  esac
done
dir=$(CDPATH= cd -- "$(dirname -- "$self")" && pwd -P)
exec node "$dir/../dist/cli/main.js" expire "$@"
