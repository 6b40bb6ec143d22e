#!/usr/bin/env bash
# Starts, stops and checks the project's own Appium server (node_modules/appium, which loads the
# drivers sessionscope depends on: uiautomator2, and simandroid in a development checkout).
# The pidfile holds the PID of the Appium node process itself, never of a wrapper (npx, a shell),
# so that `stop` ends the server and not just its parent.
#
# Usage: appium.sh start|stop|status
#   start   listen on 127.0.0.1:$SESSIONSCOPE_APPIUM_PORT (4723), allow uiautomator2:adb_shell
#           (+ $SESSIONSCOPE_APPIUM_ALLOW_INSECURE), log to $SESSIONSCOPE_APPIUM_LOG
#           ($SESSIONSCOPE_OUT/appium.log), PID to $SESSIONSCOPE_APPIUM_PIDFILE
#           ($SESSIONSCOPE_OUT/appium.pid), then wait until GET /status answers
#           ($SESSIONSCOPE_APPIUM_START_TIMEOUT, 60 s). Exit 2 with the log's last lines otherwise.
#   stop    TERM that PID (only if it is an Appium process), KILL after 10 s, remove the pidfile.
#           Idempotent.
#   status  exit 0 when the PID is alive and /status answers, 1 otherwise.
# Typed text is masked in the log by Appium's --log-filters (the stage's own filter list).
set -euo pipefail
# shellcheck source=emulator/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=${SESSIONSCOPE_OUT:-sessionscope-report}
port=${SESSIONSCOPE_APPIUM_PORT:-4723}
logfile=${SESSIONSCOPE_APPIUM_LOG:-$out/appium.log}
pidfile=${SESSIONSCOPE_APPIUM_PIDFILE:-$out/appium.pid}
url="http://127.0.0.1:$port"

# The command line of a live process, or nothing (a zombie's is empty).
cmdline() {
  if [ -r "/proc/$1/cmdline" ]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
  else
    ps -p "$1" -o command= 2>/dev/null || true
  fi
}

is_appium() {
  case "$(cmdline "$1")" in
    *appium*) return 0 ;;
    *) return 1 ;;
  esac
}

# The PID in the pidfile, or nothing when there is no pidfile or it holds no number.
pidfile_pid() {
  local pid=""
  if [ -f "$pidfile" ]; then pid=$(tr -d ' \n\r' <"$pidfile"); fi
  case "$pid" in
    '' | *[!0-9]*) ;;
    *) printf '%s' "$pid" ;;
  esac
}

status_answers() {
  node -e '
    fetch(process.argv[1] + "/status", { signal: AbortSignal.timeout(2000) })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((b) => process.exit(b && b.value && b.value.ready === false ? 1 : 0), () => process.exit(1));
  ' "$url" >/dev/null 2>&1
}

# This start's part of the log (appended to, so earlier runs stay): from byte $logsize on.
logsize=0
since_start() {
  tail -c "+$((logsize + 1))" "$logfile" 2>/dev/null || true
}

# Absolute path of a file whose folder is created if needed.
absolute() {
  mkdir -p "$(dirname "$1")"
  printf '%s/%s' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"
}

start() {
  case "$port" in
    '' | *[!0-9]*) die "appium: SESSIONSCOPE_APPIUM_PORT must be a port number, not '$port'" ;;
  esac
  if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then die "appium: SESSIONSCOPE_APPIUM_PORT must be a port number, not '$port'"; fi
  local limit=${SESSIONSCOPE_APPIUM_START_TIMEOUT:-60}
  require_positive_int "appium: SESSIONSCOPE_APPIUM_START_TIMEOUT" "$limit"
  command -v node >/dev/null 2>&1 || die "appium: node is not on PATH"
  logfile=$(absolute "$logfile")
  pidfile=$(absolute "$pidfile")
  local old
  old=$(pidfile_pid)
  if [ -n "$old" ] && is_appium "$old"; then
    die "appium: already running (pid $old in $pidfile); run 'appium.sh stop' first"
  fi

  # Appium's CLI entry: the `bin` of node_modules/appium/package.json, resolved as Node would.
  local cli
  cli=$(node -e '
    const { createRequire } = require("node:module");
    const path = require("node:path");
    const pj = createRequire(path.join(process.argv[1], "package.json")).resolve("appium/package.json");
    const bin = require(pj).bin;
    console.log(path.resolve(path.dirname(pj), typeof bin === "string" ? bin : bin.appium));
  ' "$SESSIONSCOPE_ROOT" 2>/dev/null) || die "appium: the 'appium' package is not installed in $SESSIONSCOPE_ROOT (run npm ci)"
  [ -f "$SESSIONSCOPE_ROOT/dist/dynamic/run.js" ] || die "appium: $SESSIONSCOPE_ROOT/dist is not built (run npm run build)"
  local filters
  filters=$(node --input-type=module -e '
    const { writeLogFilters } = await import(process.argv[1]);
    console.log(await writeLogFilters(process.argv[2]));
  ' "$SESSIONSCOPE_ROOT/dist/dynamic/run.js" "$(dirname "$logfile")") || die "appium: cannot write the log filters next to $logfile"

  local insecure="uiautomator2:adb_shell${SESSIONSCOPE_APPIUM_ALLOW_INSECURE:+,$SESSIONSCOPE_APPIUM_ALLOW_INSECURE}"
  local leader=()
  if command -v setsid >/dev/null 2>&1; then leader=(setsid); fi
  # APPIUM_HOME unset and cwd = the repo: Appium loads the drivers of sessionscope's package.json.
  # `exec` all the way down (setsid does not fork here), so $! is the node process itself.
  logsize=0
  if [ -f "$logfile" ]; then logsize=$(wc -c <"$logfile" | tr -d ' '); fi
  (
    cd "$SESSIONSCOPE_ROOT"
    unset APPIUM_HOME
    exec ${leader[@]+"${leader[@]}"} node "$cli" server --address 127.0.0.1 --port "$port" \
      "--allow-insecure=$insecure" --log-no-colors --log-timestamp --log-filters "$filters"
  ) >>"$logfile" 2>&1 </dev/null &
  local pid=$!
  printf '%s\n' "$pid" >"$pidfile"
  # Ready = this process logged its listener AND /status answers (another server on the port
  # would answer /status too, while this one fails with EADDRINUSE).
  local listening="listener started on $url"

  deadline_set "$limit"
  local why=""
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      local code=0
      wait "$pid" || code=$?
      why="Appium exited with code $code before $url/status answered"
      break
    fi
    if grep -qF "$listening" <<<"$(since_start)" && status_answers; then
      if is_appium "$pid"; then
        log "appium: ready at $url (pid $pid, log $logfile)"
        return 0
      fi
      why="$url/status answers, but pid $pid is not the Appium process (another server on the port?)"
      break
    fi
    if [ "$(deadline_left)" -le 0 ]; then
      why="$url/status did not answer within $limit s"
      break
    fi
    sleep 0.25
  done
  if grep -q EADDRINUSE <<<"$(since_start)"; then why="port 127.0.0.1:$port is already in use"; fi
  if kill -0 "$pid" 2>/dev/null; then signal KILL "$pid"; fi
  rm -f "$pidfile"
  {
    printf 'sessionscope-emulator: appium: did not start: %s (log: %s)\n' "$why" "$logfile"
    since_start | tail -n 15 | sed 's/^/  | /'
  } >&2
  exit 2
}

# TERM to the process group when the PID leads one (setsid), else to the PID.
signal() {
  kill "-$1" -- "-$2" 2>/dev/null || kill "-$1" "$2" 2>/dev/null || true
}

stop() {
  local pid
  pid=$(pidfile_pid)
  if [ -z "$pid" ]; then
    rm -f "$pidfile"
    log "appium: not running (no pid in $pidfile)"
    return 0
  fi
  if ! is_appium "$pid"; then
    rm -f "$pidfile"
    log "appium: not running (pid $pid is gone or not an Appium process)"
    return 0
  fi
  signal TERM "$pid"
  local i
  for ((i = 0; i < 40; i++)); do
    is_appium "$pid" || break
    sleep 0.25
  done
  if is_appium "$pid"; then
    warn "appium: pid $pid still running 10 s after TERM; sending KILL"
    signal KILL "$pid"
    sleep 0.5
  fi
  rm -f "$pidfile"
  log "appium: stopped (pid $pid)"
}

status() {
  local pid
  pid=$(pidfile_pid)
  if [ -n "$pid" ] && is_appium "$pid" && status_answers; then
    log "appium: running at $url (pid $pid)"
    return 0
  fi
  log "appium: not running at $url${pid:+ (pid $pid)}"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "appium: usage: appium.sh start|stop|status (got '${1:-}')" ;;
esac
