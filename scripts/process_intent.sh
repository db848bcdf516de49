#!/bin/sh
# The shipped example of a watch task (README, "Watched folders"): one run per intent file
# dropped into handoff/, already checked against config/intent.schema.json by the conductor.
# The file arrives only through the environment (CONDUCTOR_FILE, CONDUCTOR_FILE_NAME,
# CONDUCTOR_CORRELATION_ID), never through the command line. This one records the intent in the
# task log (logs/automation/process_intent.log); replace it with what your intents should do.
set -eu
printf 'intent %s (correlation %s)\n' "$CONDUCTOR_FILE_NAME" "$CONDUCTOR_CORRELATION_ID"
cat -- "$CONDUCTOR_FILE"
printf '\n'
