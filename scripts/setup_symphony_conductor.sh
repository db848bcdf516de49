#!/usr/bin/env bash
# Installs symphony-conductor as a service: checks Node, installs the npm dependencies,
# builds, copies the code to its prefix, creates the service user and the home folders, and
# installs, enables and starts the systemd unit. Idempotent: a second run changes nothing.
# Run with --help for the options; --dry-run prints every step and changes nothing.
if [ -z "${BASH_VERSION:-}" ]; then
  echo "error: run this script with bash: bash $0" >&2
  exit 1
fi
set -euo pipefail
umask 022

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
readonly SCRIPT_DIR
# The values written in the templates; a rendered unit replaces them. The unit, its template,
# the home and its folders depend on --worker (set after the options are read).
readonly TEMPLATE_PREFIX="/opt/symphony-conductor"
readonly TEMPLATE_USER="symphony"
readonly TEMPLATE_NODE="/usr/bin/node"
readonly TEMPLATE_ENV="/etc/symphony-conductor/worker.env"
readonly MIN_NODE_MAJOR=20
# What a prefix holds when it is not the checkout itself.
readonly RUNTIME_ITEMS=(dist config scripts systemd package.json package-lock.json README.md LICENSE)

usage() {
  cat <<'EOF'
Usage: scripts/setup_symphony_conductor.sh [options]
       scripts/setup_symphony_conductor.sh --worker --redis URL [options]

Installs symphony-conductor and runs it under systemd. Safe to run again: a second run
changes nothing. With --worker it installs a worker instead of the scheduler: the unit
symphony-conductor-worker.service runs `symphony-conductor worker`, which takes the
scheduler's jobs from Redis (settings.executor type queue); its home is
/var/lib/symphony-conductor-worker (user mode: .../symphony-conductor-worker), and its
settings go to /etc/symphony-conductor/worker.env (user mode:
${XDG_CONFIG_HOME:-~/.config}/symphony-conductor/worker.env), 0640, as the Redis URL may
hold a password.

As root (system mode) it:
  1. checks Node.js >= 20 and npm (it never downloads Node),
  2. runs `npm ci` and `npm run build` in the checkout (skipped when up to date),
  3. copies the built code to the prefix and runs `npm ci --omit=dev` there,
  4. creates the system user (home = the conductor home, shell nologin),
  5. creates the home folders (config, logs, status, 0750, owned by the user), an
     initial config when the checkout ships one, with the other config/*.json it may
     name (never overwritten once there), and a scripts symlink to the prefix's
     scripts/, which the shipped tasks run as ./scripts/... from the home,
  6. writes /etc/systemd/system/symphony-conductor.service (templated with the real
     prefix, home, user and node path),
  7. daemon-reload, enable, start (restart when the unit or the code changed).
As another user (user mode) it skips the system user, keeps the code in the checkout,
and writes a user unit (~/.config/systemd/user) when a user systemd manager runs.
Where systemd is not running it prints the command that runs the daemon in the
foreground instead.

Options:
  --prefix DIR    where the code lives (system: /opt/symphony-conductor; user: the checkout)
  --home DIR      CONDUCTOR_HOME (system: /var/lib/symphony-conductor;
                  user: ${XDG_STATE_HOME:-~/.local/state}/symphony-conductor)
  --user NAME     the service user (system mode; default symphony)
  --node PATH     the node binary (default: `command -v node`)
  --source DIR    the checkout to build and install from (default: this script's checkout)
  --mode MODE     auto (default: system as root, user otherwise), system or user
  --user-mode     the same as --mode user
  --skip-build    run no npm command (use the dist/ and node_modules/ already there)
  --no-systemd    install no unit and call no systemctl; print the foreground command
  --no-start      install and enable the unit, but do not start or restart it
  --print-unit    print the unit this run would install, and exit
  --dry-run       print every step and change nothing
  -h, --help      this help

Worker options (with --worker):
  --worker             install a worker, not the scheduler
  --redis URL          the scheduler's Redis (settings.executor.redis_url); needed the
                       first time, kept in the settings file afterwards
  --queues LIST        queues to take jobs from, comma-separated (default: default)
  --concurrency N      jobs at once from each queue (default 4)
  --worker-name NAME   the worker's name in status and history (default: the host name)
  --queue-prefix NAME  the scheduler's settings.executor.prefix: its queues are
                       NAME.<queue> (default conductor; not --prefix, the code's folder)
  --drain-timeout N    seconds running jobs may go on after a stop (default 30); the
                       unit's TimeoutStopSec is set to N + 15 s to let the drain finish

Environment:
  SETUP_ASSUME_NONROOT=1   behave as a non-root user even as root (tests)

Exit status: 0 done (or nothing to do), 1 an error (the message says what is needed).
EOF
}

# ---------------------------------------------------------------------------- output

DRY_RUN=0
CHANGES=0

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
note() { printf '    note: %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# A command line, shell-quoted, for display.
quote_cmd() {
  local out="" arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./=:,@+%-]+$ ]]; then
      out+="$arg "
    else
      out+="$(printf '%q' "$arg") "
    fi
  done
  printf '%s' "${out% }"
}

# Counts one change and runs it, or only prints it under --dry-run.
run() {
  CHANGES=$((CHANGES + 1))
  if ((DRY_RUN)); then
    printf '[dry-run] %s\n' "$(quote_cmd "$@")"
  else
    printf '    + %s\n' "$(quote_cmd "$@")"
    local rc=0
    "$@" || rc=$?
    ((rc == 0)) || die "this step failed (exit $rc): $(quote_cmd "$@")"
  fi
}

# Writes stdin to a file (0644 unless a mode is given) through a temporary file and a rename.
write_file() {
  local target="$1" mode="${2:-0644}" tmp
  CHANGES=$((CHANGES + 1))
  if ((DRY_RUN)); then
    printf '[dry-run] write %s (mode %s)\n' "$target" "$mode"
    cat >/dev/null
    return 0
  fi
  printf '    + write %s (mode %s)\n' "$target" "$mode"
  tmp="$(dirname -- "$target")/.$(basename -- "$target").setup.$$"
  cat >"$tmp"
  chmod "$mode" "$tmp"
  mv -f -- "$tmp" "$target"
}

# ---------------------------------------------------------------------------- options

MODE="auto"
PREFIX=""
HOME_DIR=""
SERVICE_USER=""
NODE_BIN=""
SOURCE=""
SKIP_BUILD=0
NO_SYSTEMD=0
NO_START=0
PRINT_UNIT=0
WORKER=0
REDIS_URL=""
WORKER_QUEUES=""
WORKER_CONCURRENCY=""
WORKER_NAME=""
WORKER_PREFIX=""
WORKER_DRAIN=""

need_value() {
  [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#*=}"; shift ;;
    --home) need_value "$@"; HOME_DIR="$2"; shift 2 ;;
    --home=*) HOME_DIR="${1#*=}"; shift ;;
    --user) need_value "$@"; SERVICE_USER="$2"; shift 2 ;;
    --user=*) SERVICE_USER="${1#*=}"; shift ;;
    --node) need_value "$@"; NODE_BIN="$2"; shift 2 ;;
    --node=*) NODE_BIN="${1#*=}"; shift ;;
    --source) need_value "$@"; SOURCE="$2"; shift 2 ;;
    --source=*) SOURCE="${1#*=}"; shift ;;
    --mode) need_value "$@"; MODE="$2"; shift 2 ;;
    --mode=*) MODE="${1#*=}"; shift ;;
    --user-mode) MODE="user"; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --no-systemd) NO_SYSTEMD=1; shift ;;
    --no-start) NO_START=1; shift ;;
    --print-unit) PRINT_UNIT=1; shift ;;
    --worker) WORKER=1; shift ;;
    --redis) need_value "$@"; REDIS_URL="$2"; shift 2 ;;
    --redis=*) REDIS_URL="${1#*=}"; shift ;;
    --queues) need_value "$@"; WORKER_QUEUES="$2"; shift 2 ;;
    --queues=*) WORKER_QUEUES="${1#*=}"; shift ;;
    --concurrency) need_value "$@"; WORKER_CONCURRENCY="$2"; shift 2 ;;
    --concurrency=*) WORKER_CONCURRENCY="${1#*=}"; shift ;;
    --worker-name) need_value "$@"; WORKER_NAME="$2"; shift 2 ;;
    --worker-name=*) WORKER_NAME="${1#*=}"; shift ;;
    --queue-prefix) need_value "$@"; WORKER_PREFIX="$2"; shift 2 ;;
    --queue-prefix=*) WORKER_PREFIX="${1#*=}"; shift ;;
    --drain-timeout) need_value "$@"; WORKER_DRAIN="$2"; shift 2 ;;
    --drain-timeout=*) WORKER_DRAIN="${1#*=}"; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

if ((WORKER)); then
  readonly UNIT_NAME="symphony-conductor-worker.service"
  readonly TEMPLATE_HOME="/var/lib/symphony-conductor-worker"
  # A worker's home holds its own log and the scripts link (below); its jobs' output goes back to the scheduler.
  readonly HOME_SUBDIRS=(logs)
  [[ -z "$REDIS_URL" || "$REDIS_URL" =~ ^rediss?://[^[:space:]]+$ ]] || die "--redis must be a redis:// or rediss:// URL, not '$REDIS_URL'"
  [[ -z "$WORKER_QUEUES" || "$WORKER_QUEUES" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*(,[A-Za-z0-9_][A-Za-z0-9._-]*)*$ ]] || die "--queues must be queue names separated by commas (letters, digits, . _ -), not '$WORKER_QUEUES'"
  [[ -z "$WORKER_CONCURRENCY" || "$WORKER_CONCURRENCY" =~ ^[1-9][0-9]{0,2}$ ]] || die "--concurrency must be a whole number from 1 to 999, not '$WORKER_CONCURRENCY'"
  [[ -z "$WORKER_NAME" || "$WORKER_NAME" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$ ]] || die "--worker-name must be letters, digits, . _ - (at most 100), not '$WORKER_NAME'"
  [[ -z "$WORKER_PREFIX" || "$WORKER_PREFIX" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$ ]] || die "--queue-prefix must be letters, digits, . _ - (at most 100; the scheduler's settings.executor.prefix), not '$WORKER_PREFIX'"
  [[ -z "$WORKER_DRAIN" || ( "$WORKER_DRAIN" =~ ^(0|[1-9][0-9]{0,4})$ && "$WORKER_DRAIN" -le 86400 ) ]] || die "--drain-timeout must be whole seconds from 0 to 86400, not '$WORKER_DRAIN'"
else
  readonly UNIT_NAME="symphony-conductor.service"
  readonly TEMPLATE_HOME="/var/lib/symphony-conductor"
  # The home's folders (SPEC "Home directory").
  readonly HOME_SUBDIRS=(config logs logs/automation status status/automation_health)
  for flag_value in "$REDIS_URL" "$WORKER_QUEUES" "$WORKER_CONCURRENCY" "$WORKER_NAME" "$WORKER_PREFIX" "$WORKER_DRAIN"; do
    [[ -z "$flag_value" ]] || die "--redis, --queues, --concurrency, --worker-name, --queue-prefix and --drain-timeout go with --worker"
  done
fi
readonly TEMPLATE="${SCRIPT_DIR}/../systemd/${UNIT_NAME}"

IS_ROOT=0
if [[ "${EUID}" -eq 0 && "${SETUP_ASSUME_NONROOT:-0}" != "1" ]]; then
  IS_ROOT=1
fi

case "$MODE" in
  auto) if ((IS_ROOT)); then MODE="system"; else MODE="user"; fi ;;
  system | user) ;;
  *) die "--mode must be auto, system or user, not '$MODE'" ;;
esac

if [[ "$MODE" == "system" ]] && ((!IS_ROOT)) && ((!DRY_RUN)) && ((!PRINT_UNIT)); then
  die "system mode needs root: run it with sudo, or use --mode user to install for yourself"
fi
if [[ "$MODE" == "user" ]] && ((IS_ROOT)); then
  die "user mode is for a non-root user: run it as the user who will own the daemon"
fi

[[ -f "$TEMPLATE" ]] || die "the unit template is missing: $TEMPLATE"

SOURCE="${SOURCE:-${SCRIPT_DIR}/..}"
[[ -d "$SOURCE" ]] || die "--source $SOURCE is not a directory"
SOURCE="$(cd -- "$SOURCE" && pwd -P)"

CURRENT_USER="$(id -un)"
if [[ "$MODE" == "system" ]]; then
  PREFIX="${PREFIX:-$TEMPLATE_PREFIX}"
  HOME_DIR="${HOME_DIR:-$TEMPLATE_HOME}"
  SERVICE_USER="${SERVICE_USER:-$TEMPLATE_USER}"
else
  PREFIX="${PREFIX:-$SOURCE}"
  HOME_DIR="${HOME_DIR:-${XDG_STATE_HOME:-${HOME:?HOME is not set}/.local/state}/${TEMPLATE_HOME##*/}}"
  if [[ -n "$SERVICE_USER" && "$SERVICE_USER" != "$CURRENT_USER" ]]; then
    warn "--user $SERVICE_USER ignored: without root the daemon runs as you ($CURRENT_USER)"
  fi
  SERVICE_USER="$CURRENT_USER"
fi

PREFIX="$(realpath -m -- "$PREFIX")"
HOME_DIR="$(realpath -m -- "$HOME_DIR")"
# The worker's settings file (the unit's EnvironmentFile=).
if [[ "$MODE" == "system" ]]; then
  ENV_FILE="$TEMPLATE_ENV"
else
  ENV_FILE="${XDG_CONFIG_HOME:-${HOME:?HOME is not set}/.config}/symphony-conductor/worker.env"
fi
# A value the worker's settings file holds now (the last one, as systemd reads it), or nothing.
current_value() {
  [[ -f "$ENV_FILE" ]] || return 0
  sed -n "s/^$1=//p" -- "$ENV_FILE" | tail -n 1
}
# The worker unit's TimeoutStopSec follows its drain timeout (the flag, else the settings file):
# the drain + 15 s, for the jobs stopped at its end to finish within their kill_grace and report.
# Empty: the template's (45 s, for the default 30 s drain).
STOP_TIMEOUT=""
if ((WORKER)); then
  drain_seconds="${WORKER_DRAIN:-$(current_value CONDUCTOR_WORKER_DRAIN_TIMEOUT)}"
  [[ "$drain_seconds" =~ ^[0-9]{1,5}$ ]] && STOP_TIMEOUT="$((10#$drain_seconds + 15))s"
fi

# systemd unit values cannot carry these unescaped; refuse rather than write a broken unit.
check_path() {
  local what="$1" value="$2"
  [[ "$value" == /* ]] || die "$what must be an absolute path: $value"
  case "$value" in
    / | /bin | /boot | /dev | /etc | /home | /lib | /lib64 | /opt | /proc | /root | /run | /sbin | /srv | /sys | /tmp | /usr | /usr/local | /var | /var/lib | /var/tmp)
      die "$what must be a folder of its own, not $value" ;;
  esac
  if [[ "$value" =~ [[:space:]%\"\'\\\$\;] ]]; then
    die "$what must not contain spaces or any of % \" ' \\ \$ ; (systemd would need them escaped): $value"
  fi
}
check_path "--prefix" "$PREFIX"
check_path "--home" "$HOME_DIR"
if [[ ! "$SERVICE_USER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]]; then
  die "--user must be a plain user name (lower case letters, digits, _ and -): $SERVICE_USER"
fi

if [[ -z "$NODE_BIN" ]]; then
  NODE_BIN="$(command -v node || true)"
  if [[ -z "$NODE_BIN" ]]; then
    if ((PRINT_UNIT)); then
      NODE_BIN="$TEMPLATE_NODE"
    else
      die "Node.js >= ${MIN_NODE_MAJOR} is required and 'node' is not on PATH. Install it (Debian 13 ships nodejs 20; on Debian 12 use NodeSource's nodejs 20+ package) or pass --node /path/to/node. This script does not download Node."
    fi
  fi
fi
[[ "$NODE_BIN" == */* ]] || NODE_BIN="$(command -v -- "$NODE_BIN" || printf '%s' "$NODE_BIN")"
NODE_BIN="$(realpath -m -s -- "$NODE_BIN")"
check_path "--node" "$NODE_BIN"

# The service user's primary group: the user's own group when it exists, else the group
# useradd --user-group will create with the same name.
if getent passwd "$SERVICE_USER" >/dev/null 2>&1; then
  SERVICE_GROUP="$(id -gn "$SERVICE_USER")"
else
  SERVICE_GROUP="$SERVICE_USER"
fi

under() { [[ "$1" == "$2" || "$1" == "$2"/* ]]; }

# ---------------------------------------------------------------------------- the unit

# Sandbox settings that depend on where the home and the code are.
STATE_DIR=""
if [[ "$HOME_DIR" == /var/lib/?* ]]; then
  STATE_DIR="${HOME_DIR#/var/lib/}"
fi
PROTECT_HOME="yes"
PRIVATE_TMP="yes"
for path in "$HOME_DIR" "$PREFIX" "$NODE_BIN"; do
  if under "$path" /home || under "$path" /root || under "$path" /run/user; then
    PROTECT_HOME="read-only"
  fi
  if under "$path" /tmp || under "$path" /var/tmp; then
    PRIVATE_TMP="no"
  fi
done

# The shipped tasks' wrappers in scripts/ run `node` from PATH, and tasks inherit the
# service's PATH: systemd's default (the list below, a user manager's alike), not a login
# shell's. When node's folder is not on it (nvm, /opt/node/bin), the unit puts it first.
readonly SYSTEMD_DEFAULT_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NODE_DIR="${NODE_BIN%/*}"
NODE_DIR="${NODE_DIR:-/}"
UNIT_PATH_ENV=""
case ":${SYSTEMD_DEFAULT_PATH}:" in
  *":${NODE_DIR}:"*) ;;
  *) UNIT_PATH_ENV="${NODE_DIR}:${SYSTEMD_DEFAULT_PATH}" ;;
esac

# Directives a per-user service manager cannot apply (no privileges, no system targets).
readonly USER_MODE_DROPPED="User Group StateDirectory StateDirectoryMode ReadWritePaths After Wants ProtectSystem ProtectHome PrivateTmp PrivateDevices DevicePolicy PrivateUsers PrivateMounts ProtectKernelTunables ProtectKernelModules ProtectKernelLogs ProtectControlGroups ProtectClock ProtectHostname ProtectProc ProcSubset CapabilityBoundingSet AmbientCapabilities RemoveIPC KeyringMode"

# Prints the unit for this mode: the template with the real prefix, home, user and node.
render_unit() {
  printf '# Generated by scripts/setup_symphony_conductor.sh from systemd/%s (%s mode).\n' "$UNIT_NAME" "$MODE"
  if [[ "$MODE" == "system" ]]; then
    printf '#   prefix=%s home=%s user=%s node=%s\n' "$PREFIX" "$HOME_DIR" "$SERVICE_USER" "$NODE_BIN"
  else
    printf '#   prefix=%s home=%s node=%s\n' "$PREFIX" "$HOME_DIR" "$NODE_BIN"
    printf '# A user service: it runs as the user whose manager runs it, and keeps only the\n'
    printf '# sandboxing that needs no privilege (seccomp, NoNewPrivileges). Dropped from the template:\n'
    printf '%s\n' "$USER_MODE_DROPPED" | fold -s -w 86 | sed 's/^/#   /; s/ *$//'
    printf '# Control: systemctl --user {status,reload,restart} %s; logs: journalctl --user -u %s\n' "$UNIT_NAME" "$UNIT_NAME"
  fi
  printf '# Re-run the script rather than editing this file; local changes go in a drop-in.\n'
  awk -v mode="$MODE" -v dropped="$USER_MODE_DROPPED" \
    -v prefix="$PREFIX" -v home="$HOME_DIR" -v user="$SERVICE_USER" -v group="$SERVICE_GROUP" \
    -v node="$NODE_BIN" -v statedir="$STATE_DIR" -v protecthome="$PROTECT_HOME" \
    -v privatetmp="$PRIVATE_TMP" -v tprefix="$TEMPLATE_PREFIX" -v thome="$TEMPLATE_HOME" \
    -v tnode="$TEMPLATE_NODE" -v tenv="$TEMPLATE_ENV" -v envfile="$ENV_FILE" -v stopsec="$STOP_TIMEOUT" \
    -v pathenv="$UNIT_PATH_ENV" '
    function replace_all(s, from, to,    out, i) {
      out = ""
      while ((i = index(s, from)) > 0) {
        out = out substr(s, 1, i - 1) to
        s = substr(s, i + length(from))
      }
      return out s
    }
    BEGIN {
      n = split(dropped, list, " ")
      for (i = 1; i <= n; i++) drop[list[i]] = 1
    }
    /^\[/ { in_section = 1; print; next }
    # The template'"'"'s opening notes describe the system service: not for a user unit.
    !in_section && mode == "user" { next }
    /^[[:space:]]*(#|;|$)/ { print; next }
    {
      eq = index($0, "=")
      key = substr($0, 1, eq - 1)
      value = substr($0, eq + 1)
      if (mode == "user" && (key in drop)) next
      if (key == "Environment" && pathenv != "" && !path_done) {
        print "# The tasks'"'"' scripts run `node` from PATH: node'"'"'s folder first, then systemd'"'"'s default."
        print "Environment=PATH=" pathenv
        path_done = 1
      }
      if ((key == "StateDirectory" || key == "StateDirectoryMode") && statedir == "") next
      if (key == "User") value = user
      else if (key == "Group") value = group
      else if (key == "StateDirectory") value = statedir
      else if (key == "ProtectHome") value = protecthome
      else if (key == "PrivateTmp") value = privatetmp
      else if (key == "WantedBy" && mode == "user") value = "default.target"
      else if (key == "TimeoutStopSec" && stopsec != "") value = stopsec
      else {
        if (key == "ExecStart" && index(value, tnode " ") == 1)
          value = "\001N\001" substr(value, length(tnode) + 1)
        value = replace_all(value, tenv, envfile)
        value = replace_all(value, tprefix, "\001P\001")
        value = replace_all(value, thome, "\001H\001")
        value = replace_all(value, "\001N\001", node)
        value = replace_all(value, "\001P\001", prefix)
        value = replace_all(value, "\001H\001", home)
      }
      print key "=" value
    }
  ' "$TEMPLATE"
}

if ((PRINT_UNIT)); then
  render_unit
  exit 0
fi

# ---------------------------------------------------------------------------- checks

if ((DRY_RUN)); then
  say "[dry-run] nothing will be changed; every step that would change something is printed with [dry-run]"
fi
say "symphony-conductor setup: ${MODE} mode$( ((IS_ROOT)) || printf ' (not root)')"
say "  source ${SOURCE}"
say "  prefix ${PREFIX}"
say "  home   ${HOME_DIR}"
say "  user   ${SERVICE_USER}"
say "  node   ${NODE_BIN}"
((WORKER)) && say "  worker settings ${ENV_FILE}"
if [[ "$MODE" == "system" ]] && ((!IS_ROOT)); then
  say "  (system mode needs root: this dry run only shows the steps)"
fi

step "Node.js >= ${MIN_NODE_MAJOR}"
[[ -x "$NODE_BIN" ]] || die "node is not executable at $NODE_BIN: install Node.js >= ${MIN_NODE_MAJOR} or pass --node PATH. This script does not download Node."
NODE_VERSION="$("$NODE_BIN" -p 'process.versions.node' 2>/dev/null)" || die "$NODE_BIN does not run: install Node.js >= ${MIN_NODE_MAJOR} or pass --node PATH"
if ((${NODE_VERSION%%.*} < MIN_NODE_MAJOR)); then
  die "Node.js $NODE_VERSION at $NODE_BIN is too old: symphony-conductor needs >= ${MIN_NODE_MAJOR}. Install a newer Node (NodeSource, or your distribution) or pass --node PATH. This script does not download Node."
fi
ok "node $NODE_VERSION at $NODE_BIN"
if [[ "$MODE" == "system" ]] && { under "$NODE_BIN" /root || under "$NODE_BIN" /home; }; then
  die "node at $NODE_BIN is inside a home directory, which the service user cannot use: install Node system-wide (e.g. /usr/bin/node) or pass --node"
fi

NPM_BIN=""
if ((!SKIP_BUILD)); then
  if [[ -x "$(dirname -- "$NODE_BIN")/npm" ]]; then
    NPM_BIN="$(dirname -- "$NODE_BIN")/npm"
  else
    NPM_BIN="$(command -v npm || true)"
  fi
  [[ -n "$NPM_BIN" ]] || die "npm is not installed next to $NODE_BIN nor on PATH: install npm (NodeSource's nodejs includes it; Debian's nodejs does not, npm is a separate package there: apt-get install npm), or pass --skip-build to use an existing build"
  ok "npm $("$NPM_BIN" --version 2>/dev/null || printf '?') at $NPM_BIN"
fi

# ---------------------------------------------------------------------------- build

# A fingerprint of the files the dependencies depend on, node's ABI included.
deps_fingerprint() {
  { cat -- "$1/package-lock.json"; printf 'node %s\n' "$NODE_VERSION"; } | sha256sum | cut -d' ' -f1
}

# A fingerprint of the build's inputs.
build_fingerprint() {
  local inputs=() candidate
  for candidate in src scripts/build package.json package-lock.json "$1"/tsconfig*.json; do
    candidate="${candidate#"$1"/}"
    [[ -e "$1/$candidate" ]] && inputs+=("$candidate")
  done
  (
    cd -- "$1"
    if ((${#inputs[@]})); then
      find "${inputs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    fi
    printf 'node %s\n' "$NODE_VERSION"
  ) | sha256sum | cut -d' ' -f1
}

# npm ci and the build write node_modules/ and dist/ in the checkout: when this user cannot,
# say so before npm fails with its raw EACCES dump.
check_checkout_writable() {
  local path
  for path in "$SOURCE" "$SOURCE/node_modules" "$SOURCE/dist"; do
    if [[ -e "$path" && ! -w "$path" ]]; then
      [[ "$path" == "$SOURCE" ]] && path="" || path=" ($path is not)"
      die "the checkout $SOURCE is not writable by $CURRENT_USER$path: use --skip-build, or run it from your own checkout"
    fi
  done
}

# `npm ci` in a folder unless its stamp says the lock file is already installed.
install_deps() {
  local dir="$1" stamp="$1/node_modules/.symphony-setup-deps" want
  shift
  if [[ ! -f "$dir/package-lock.json" ]]; then
    # Under --dry-run the lock file may be one that the copy step has not copied yet.
    ((DRY_RUN)) || die "$dir has no package-lock.json: npm ci needs it"
    run env -C "$dir" "$NPM_BIN" ci --no-audit --no-fund "$@"
    return 0
  fi
  want="$(deps_fingerprint "$dir")"
  if [[ -f "$stamp" && "$(cat -- "$stamp")" == "$want" ]]; then
    ok "dependencies in $dir are up to date"
    return 0
  fi
  [[ "$dir" != "$SOURCE" ]] || check_checkout_writable
  run env -C "$dir" "$NPM_BIN" ci --no-audit --no-fund "$@"
  if ((!DRY_RUN)); then printf '%s\n' "$want" >"$stamp"; fi
  CODE_CHANGED=1
}

CODE_CHANGED=0
step "Dependencies and build in ${SOURCE}"
if ((SKIP_BUILD)); then
  ok "skipped (--skip-build)"
else
  install_deps "$SOURCE"
  stamp="$SOURCE/dist/.symphony-setup-build"
  want="$(build_fingerprint "$SOURCE")"
  if [[ -f "$SOURCE/dist/cli/main.js" && -f "$stamp" && "$(cat -- "$stamp")" == "$want" ]]; then
    ok "the build is up to date"
  else
    check_checkout_writable
    run env -C "$SOURCE" "$NPM_BIN" run build
    if ((!DRY_RUN)); then printf '%s\n' "$want" >"$stamp"; fi
    CODE_CHANGED=1
  fi
fi
if [[ ! -f "$SOURCE/dist/cli/main.js" ]] && ! ((DRY_RUN && !SKIP_BUILD)); then
  die "$SOURCE/dist/cli/main.js is missing: build it (drop --skip-build, or run npm ci && npm run build)"
fi

# ---------------------------------------------------------------------------- code

step "Code in ${PREFIX}"
if [[ "$PREFIX" == "$SOURCE" ]]; then
  ok "the prefix is the checkout itself: nothing to copy"
else
  if [[ -d "$PREFIX" ]]; then
    ok "$PREFIX exists"
  else
    run install -d -m 0755 "$PREFIX"
  fi
  for item in "${RUNTIME_ITEMS[@]}"; do
    if [[ ! -e "$SOURCE/$item" ]]; then
      # Under --dry-run, dist/ may be what the build step has not built yet.
      if [[ "$item" == "dist" ]] && ((DRY_RUN && !SKIP_BUILD)); then
        run cp -R --preserve=mode,timestamps -- "$SOURCE/dist" "$PREFIX/dist"
      fi
      continue
    fi
    if [[ -e "$PREFIX/$item" ]] && diff -rq --no-dereference -- "$SOURCE/$item" "$PREFIX/$item" >/dev/null 2>&1; then
      ok "$item is up to date"
      continue
    fi
    if [[ -d "$SOURCE/$item" ]]; then
      # Replace the whole folder, so files removed from the checkout go too.
      run rm -rf -- "$PREFIX/$item.setup-new"
      run cp -R --preserve=mode,timestamps -- "$SOURCE/$item" "$PREFIX/$item.setup-new"
      run rm -rf -- "$PREFIX/$item"
      run mv -- "$PREFIX/$item.setup-new" "$PREFIX/$item"
    else
      run install -m 0644 -- "$SOURCE/$item" "$PREFIX/$item"
    fi
    CODE_CHANGED=1
  done
  if ((SKIP_BUILD)); then
    if [[ ! -d "$PREFIX/node_modules" ]]; then
      warn "$PREFIX/node_modules is missing and --skip-build runs no npm: the daemon will not start until you run 'npm ci --omit=dev' there"
    fi
  else
    install_deps "$PREFIX" --omit=dev
  fi
fi

# ---------------------------------------------------------------------------- user

step "Service user"
if [[ "$MODE" == "user" ]]; then
  ok "not root: no system user is created; the daemon runs as you ($SERVICE_USER)"
elif getent passwd "$SERVICE_USER" >/dev/null 2>&1; then
  user_home="$(getent passwd "$SERVICE_USER" | cut -d: -f6)"
  ok "user $SERVICE_USER exists (group $SERVICE_GROUP, home $user_home)"
  if [[ "$user_home" != "$HOME_DIR" ]]; then
    note "its passwd home is $user_home, not $HOME_DIR: tasks get HOME=$user_home (left as it is)"
  fi
else
  if command -v useradd >/dev/null 2>&1 || ((DRY_RUN)); then
    run useradd --system --user-group --home-dir "$HOME_DIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "symphony-conductor scheduler" "$SERVICE_USER"
  else
    die "useradd is missing: create the system user $SERVICE_USER by hand (home $HOME_DIR), then re-run"
  fi
fi

if [[ "$MODE" == "system" ]] && ((!DRY_RUN)) && [[ -f "$PREFIX/dist/cli/main.js" ]]; then
  if ! runuser -u "$SERVICE_USER" -- test -r "$PREFIX/dist/cli/main.js"; then
    warn "$SERVICE_USER cannot read $PREFIX/dist/cli/main.js: the service will fail; make the prefix and its parents readable (o+rx)"
  fi
fi

# ---------------------------------------------------------------------------- home

# Creates a folder (0750, owned by the service user in system mode) or fixes its mode/owner.
ensure_dir() {
  local dir="$1" want_owner="" have
  if [[ "$MODE" == "system" ]]; then
    want_owner="$SERVICE_USER:$SERVICE_GROUP"
  fi
  if [[ -d "$dir" ]]; then
    have="$(stat -c '%U:%G %a' -- "$dir")"
    if [[ "${have#* }" == "750" && (-z "$want_owner" || "${have% *}" == "$want_owner") ]]; then
      ok "$dir"
      return 0
    fi
  fi
  if [[ -n "$want_owner" ]]; then
    run install -d -o "$SERVICE_USER" -g "$SERVICE_GROUP" -m 0750 -- "$dir"
  else
    run install -d -m 0750 -- "$dir"
  fi
}

# Installs a file the home should hold; `keep` leaves an existing one alone (the user's).
ensure_home_file() {
  local from="$1" to="$2" policy="$3"
  if [[ -f "$to" ]]; then
    if [[ "$policy" == "keep" ]] || cmp -s -- "$from" "$to"; then
      ok "$to"
      return 0
    fi
  fi
  if [[ "$MODE" == "system" ]]; then
    run install -o "$SERVICE_USER" -g "$SERVICE_GROUP" -m 0640 -- "$from" "$to"
  else
    run install -m 0640 -- "$from" "$to"
  fi
}

step "Home ${HOME_DIR}"
ensure_dir "$HOME_DIR"
for sub in "${HOME_SUBDIRS[@]}"; do
  ensure_dir "$HOME_DIR/$sub"
done
CONFIG_FILE="$HOME_DIR/config/conductor_config.json"
HAVE_CONFIG=0
if ((WORKER)); then
  : # a worker has no config: its settings file (below) says where its jobs come from
elif [[ -f "$CONFIG_FILE" ]]; then
  HAVE_CONFIG=1
  ok "$CONFIG_FILE (yours: never overwritten)"
else
  for sample in conductor_config.json conductor_config.example.json; do
    if [[ -f "$SOURCE/config/$sample" ]]; then
      ensure_home_file "$SOURCE/config/$sample" "$CONFIG_FILE" keep
      HAVE_CONFIG=1
      break
    fi
  done
  if ((!HAVE_CONFIG)); then
    note "no config yet: write $CONFIG_FILE (see the README), then start the daemon"
  fi
fi
if ((!WORKER)) && [[ -f "$SOURCE/config/conductor_config.schema.json" ]]; then
  ensure_home_file "$SOURCE/config/conductor_config.schema.json" "$HOME_DIR/config/conductor_config.schema.json" update
fi
if ((!WORKER)); then
  # The other files of config/ the shipped config names (its watch task's json_schema,
  # config/intent.schema.json): installed once, then the operator's, as the config is.
  for sample in "$SOURCE"/config/*.json; do
    case "${sample##*/}" in
      conductor_config.json | conductor_config.example.json | conductor_config.schema.json) continue ;;
    esac
    if [[ -f "$sample" ]]; then
      ensure_home_file "$sample" "$HOME_DIR/config/${sample##*/}" keep
    fi
  done
fi

# The shipped tasks run ./scripts/... from the home (their working folder): link the installed
# scripts there. A worker's home too: its jobs' relative commands and cwd resolve against it
# (scale-out.md), so the shipped tasks sent to a worker find their scripts as they do locally.
# A link to another prefix's scripts/ (an earlier run's) is moved to this one; anything else
# there is the operator's and left alone.
scripts_link_is_ours() {
  local target
  target="$(readlink -- "$1")"
  [[ "$target" == /*/scripts ]] && { [[ ! -e "$target" ]] || [[ -f "$target/setup_symphony_conductor.sh" ]]; }
}
SCRIPTS_LINK="$HOME_DIR/scripts"
if [[ ! -d "$SOURCE/scripts" ]]; then
  note "$SOURCE has no scripts/: no $SCRIPTS_LINK link, so tasks that run ./scripts/... will not find them"
elif [[ -L "$SCRIPTS_LINK" && "$(readlink -- "$SCRIPTS_LINK")" == "$PREFIX/scripts" ]]; then
  ok "$SCRIPTS_LINK -> $PREFIX/scripts"
elif [[ -L "$SCRIPTS_LINK" ]] && scripts_link_is_ours "$SCRIPTS_LINK"; then
  run ln -sfn -- "$PREFIX/scripts" "$SCRIPTS_LINK"
elif [[ -e "$SCRIPTS_LINK" || -L "$SCRIPTS_LINK" ]]; then
  note "$SCRIPTS_LINK is not a link to $PREFIX/scripts: left as it is (yours); tasks that run ./scripts/... run what it holds"
else
  run ln -s -- "$PREFIX/scripts" "$SCRIPTS_LINK"
fi

# ---------------------------------------------------------------------------- worker settings

# The worker's settings file (the unit's EnvironmentFile=): the Redis URL, which may hold a
# password (0640, root and the service group; user mode 0600), and the worker's other flags.
# A flag not given keeps the value the file has.
if ((WORKER)); then
  step "Worker settings ${ENV_FILE}"
  want_redis="${REDIS_URL:-$(current_value CONDUCTOR_REDIS_URL)}"
  want_queues="${WORKER_QUEUES:-$(current_value CONDUCTOR_WORKER_QUEUES)}"
  want_concurrency="${WORKER_CONCURRENCY:-$(current_value CONDUCTOR_WORKER_CONCURRENCY)}"
  want_name="${WORKER_NAME:-$(current_value CONDUCTOR_WORKER_NAME)}"
  want_prefix="${WORKER_PREFIX:-$(current_value CONDUCTOR_WORKER_PREFIX)}"
  want_drain="${WORKER_DRAIN:-$(current_value CONDUCTOR_WORKER_DRAIN_TIMEOUT)}"
  if [[ -z "$want_redis" ]]; then
    note "no Redis URL yet: re-run with --redis URL (the worker cannot start without it)"
  else
    HAVE_CONFIG=1
    env_text="# Written by scripts/setup_symphony_conductor.sh --worker; re-run it to change these.
CONDUCTOR_REDIS_URL=${want_redis}"
    [[ -n "$want_queues" ]] && env_text+=$'\n'"CONDUCTOR_WORKER_QUEUES=${want_queues}"
    [[ -n "$want_concurrency" ]] && env_text+=$'\n'"CONDUCTOR_WORKER_CONCURRENCY=${want_concurrency}"
    [[ -n "$want_name" ]] && env_text+=$'\n'"CONDUCTOR_WORKER_NAME=${want_name}"
    [[ -n "$want_prefix" ]] && env_text+=$'\n'"CONDUCTOR_WORKER_PREFIX=${want_prefix}"
    [[ -n "$want_drain" ]] && env_text+=$'\n'"CONDUCTOR_WORKER_DRAIN_TIMEOUT=${want_drain}"
    if [[ -f "$ENV_FILE" ]] && [[ "$(cat -- "$ENV_FILE")" == "$env_text" ]]; then
      ok "$ENV_FILE is up to date"
    else
      [[ -d "$(dirname -- "$ENV_FILE")" ]] || run install -d -m 0755 -- "$(dirname -- "$ENV_FILE")"
      if [[ "$MODE" == "system" ]]; then
        printf '%s\n' "$env_text" | write_file "$ENV_FILE" 0640
        run chgrp "$SERVICE_GROUP" "$ENV_FILE"
      else
        printf '%s\n' "$env_text" | write_file "$ENV_FILE" 0600
      fi
      # A running worker reads it only when it starts.
      CODE_CHANGED=1
    fi
  fi
fi

# ---------------------------------------------------------------------------- systemd

SYSTEMCTL=(systemctl)
[[ "$MODE" == "user" ]] && SYSTEMCTL=(systemctl --user)
SYSTEMD_STATE="absent"

# Whether the service manager of this mode runs (is-system-running says "offline" when not).
systemd_running() {
  command -v systemctl >/dev/null 2>&1 || return 1
  SYSTEMD_STATE="$("${SYSTEMCTL[@]}" is-system-running 2>/dev/null || true)"
  SYSTEMD_STATE="${SYSTEMD_STATE:-unknown}"
  case "$SYSTEMD_STATE" in
    running | degraded | starting | initializing | maintenance | stopping) return 0 ;;
  esac
  [[ "$MODE" == "system" && -d /run/systemd/system ]]
}

# The foreground command, for when systemd cannot run the daemon (or the worker).
foreground_command() {
  local cmd args=(start)
  if ((WORKER)); then
    args=(worker --redis "${want_redis:-REDIS_URL}")
    [[ -n "${want_queues:-}" ]] && args+=(--queues "$want_queues")
    [[ -n "${want_concurrency:-}" ]] && args+=(--concurrency "$want_concurrency")
    [[ -n "${want_name:-}" ]] && args+=(--name "$want_name")
    [[ -n "${want_prefix:-}" ]] && args+=(--prefix "$want_prefix")
    [[ -n "${want_drain:-}" ]] && args+=(--drain-timeout "$want_drain")
  fi
  cmd="CONDUCTOR_HOME=$(printf '%q' "$HOME_DIR") $(quote_cmd "$NODE_BIN" "$PREFIX/dist/cli/main.js" "${args[@]}")"
  if [[ "$MODE" == "system" ]]; then
    cmd="runuser -u $(printf '%q' "$SERVICE_USER") -- env $cmd"
  fi
  printf '%s' "$cmd"
}

print_foreground() {
  say "    $1"
  say "    Run the $( ((WORKER)) && printf worker || printf daemon) in the foreground with:"
  say ""
  say "        $(foreground_command)"
  say ""
  if ((WORKER)); then
    say "    (it drains on Ctrl-C, SIGTERM or SIGHUP: no new job, the running ones finish up to the drain timeout)"
  else
    say "    (it stops on Ctrl-C or SIGTERM and reloads its config on SIGHUP)"
  fi
}

UNIT_CHANGED=0
if [[ "$MODE" == "system" ]]; then
  UNIT_DIR="/etc/systemd/system"
else
  UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
fi
UNIT_PATH="$UNIT_DIR/$UNIT_NAME"

step "systemd unit"
RUNNING=0
if ((NO_SYSTEMD)); then
  ok "skipped (--no-systemd)"
elif systemd_running; then
  RUNNING=1
fi
if ((!NO_SYSTEMD)) && ((!RUNNING)) && [[ "$MODE" == "user" ]]; then
  ok "no user systemd manager runs here (systemctl --user is-system-running: $SYSTEMD_STATE): no user unit installed"
elif ((!NO_SYSTEMD)); then
  rendered="$(render_unit)"
  # systemd-analyze verify, when present: refuse a unit that systemd would reject.
  if command -v systemd-analyze >/dev/null 2>&1; then
    check_dir="$(mktemp -d)"
    printf '%s\n' "$rendered" >"$check_dir/$UNIT_NAME"
    verify_cmd=(systemd-analyze verify "$check_dir/$UNIT_NAME")
    if [[ "$MODE" == "user" ]]; then
      mkdir -m 0700 "$check_dir/runtime"
      verify_cmd=(env "XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$check_dir/runtime}" systemd-analyze --user verify "$check_dir/$UNIT_NAME")
    fi
    verify_rc=0
    verify_out="$("${verify_cmd[@]}" 2>&1)" || verify_rc=$?
    rm -rf -- "$check_dir"
    if grep -q -e "$UNIT_NAME" -e "$check_dir" <<<"$verify_out"; then
      printf '%s\n' "$verify_out" >&2
      die "systemd-analyze verify rejects the unit rendered for these settings (above)"
    elif ((verify_rc != 0)); then
      note "systemd-analyze verify could not check the unit: $(head -n 1 <<<"$verify_out")"
    else
      ok "systemd-analyze verify: no complaint about the unit"
    fi
  fi
  if [[ -f "$UNIT_PATH" ]] && [[ "$(cat -- "$UNIT_PATH")" == "$rendered" ]]; then
    ok "$UNIT_PATH is up to date"
  else
    if [[ -f "$UNIT_PATH" ]]; then
      note "$UNIT_PATH differs:"
      diff -u -- "$UNIT_PATH" <(printf '%s\n' "$rendered") | sed 's/^/      /' || true
    fi
    if [[ ! -d "$UNIT_DIR" ]]; then
      run install -d -m 0755 -- "$UNIT_DIR"
    fi
    printf '%s\n' "$rendered" | write_file "$UNIT_PATH" 0644
    UNIT_CHANGED=1
  fi
fi

step "Service"
if ((NO_SYSTEMD)); then
  print_foreground "--no-systemd: nothing was started."
elif ((!RUNNING)); then
  if [[ "$MODE" == "system" ]]; then
    # Enabling only writes symlinks, which systemctl does without a running manager.
    if command -v systemctl >/dev/null 2>&1; then
      if [[ "$(systemctl is-enabled "$UNIT_NAME" 2>/dev/null || true)" == "enabled" ]]; then
        ok "$UNIT_NAME is enabled"
      else
        run systemctl enable "$UNIT_NAME"
      fi
    fi
    is="is"
    ((DRY_RUN)) && is="would be"
    print_foreground "systemd is not running on this machine (systemctl is-system-running: $SYSTEMD_STATE), so the service was not started; the unit $is installed and enabled, and starts at the next boot under systemd."
  else
    print_foreground "No user systemd manager runs here, so nothing was installed into systemd and nothing was started (for a system service, run this script as root)."
  fi
else
  if ((UNIT_CHANGED)); then
    run "${SYSTEMCTL[@]}" daemon-reload
  fi
  if [[ "$("${SYSTEMCTL[@]}" is-enabled "$UNIT_NAME" 2>/dev/null || true)" == "enabled" ]]; then
    ok "$UNIT_NAME is enabled"
  else
    run "${SYSTEMCTL[@]}" enable "$UNIT_NAME"
  fi
  active="$("${SYSTEMCTL[@]}" is-active "$UNIT_NAME" 2>/dev/null || true)"
  if ((NO_START)); then
    ok "not started (--no-start); start it with: $(quote_cmd "${SYSTEMCTL[@]}" start "$UNIT_NAME")"
  elif ((!HAVE_CONFIG)) && ((WORKER)); then
    note "not started: no Redis URL yet. Re-run with --worker --redis URL"
  elif ((!HAVE_CONFIG)); then
    note "not started: there is no config yet. Write $CONFIG_FILE, then: $(quote_cmd "${SYSTEMCTL[@]}" start "$UNIT_NAME")"
  elif [[ "$active" == "active" ]]; then
    if ((UNIT_CHANGED || CODE_CHANGED)); then
      run "${SYSTEMCTL[@]}" restart "$UNIT_NAME"
    else
      ok "$UNIT_NAME is running"
    fi
  else
    run "${SYSTEMCTL[@]}" start "$UNIT_NAME"
  fi
  if ((!DRY_RUN && !NO_START && HAVE_CONFIG)); then
    active="$("${SYSTEMCTL[@]}" is-active "$UNIT_NAME" 2>/dev/null || true)"
    if [[ "$active" != "active" ]]; then
      journal="journalctl -u $UNIT_NAME"
      [[ "$MODE" == "user" ]] && journal="journalctl --user -u $UNIT_NAME"
      die "$UNIT_NAME is '$active' after starting: see '$journal -n 50'"
    fi
  fi
  if [[ "$MODE" == "user" ]] && command -v loginctl >/dev/null 2>&1; then
    if [[ "$(loginctl show-user "$SERVICE_USER" -P Linger 2>/dev/null || true)" != "yes" ]]; then
      note "the user manager stops when you log out; to keep the daemon running: sudo loginctl enable-linger $SERVICE_USER"
    fi
  fi
  journal="journalctl -u $UNIT_NAME -f"
  [[ "$MODE" == "user" ]] && journal="journalctl --user -u $UNIT_NAME -f"
  say "    status: $(quote_cmd "${SYSTEMCTL[@]}" status "$UNIT_NAME"); logs: $journal"
fi

# ---------------------------------------------------------------------------- summary

if ((DRY_RUN)); then
  say "[dry-run] ${CHANGES} step(s) would change something; nothing was changed."
elif ((CHANGES == 0)); then
  say "Nothing changed: everything was already in place."
else
  say "Done: ${CHANGES} change(s)."
fi
