#!/usr/bin/env bash
# Helpers sourced by the emulator/ scripts (never run on its own): log lines with one prefix,
# `die` (one line, exit 2), adb calls that honour ANDROID_SERIAL and never hang past a deadline,
# and a deadline clock. Sourcing sets nothing else; in particular no `set -x` anywhere, since the
# scripts run with credentials in their environment.

# The repository root (the folder above emulator/), whatever the caller's cwd is.
SESSIONSCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SESSIONSCOPE_ROOT

log() {
  printf 'sessionscope-emulator: %s\n' "$*"
}

warn() {
  printf 'sessionscope-emulator: warning: %s\n' "$*" >&2
}

die() {
  printf 'sessionscope-emulator: %s\n' "$*" >&2
  exit 2
}

# Runs "$@" for at most $1 seconds (exit 124 when the time is up), with or without coreutils.
with_timeout() {
  local secs=$1
  shift
  if command -v timeout >/dev/null 2>&1; then
    timeout "$secs" "$@"
    return
  fi
  "$@" &
  local pid=$! rc=0
  (sleep "$secs" && kill "$pid") >/dev/null 2>&1 &
  local watcher=$!
  wait "$pid" || rc=$?
  kill "$watcher" >/dev/null 2>&1 || true
  if [ "$rc" -eq 143 ]; then return 124; fi
  return "$rc"
}

# adb, aimed at $ANDROID_SERIAL when it is set (the emulator runner sets it), else at the only device.
adb_cmd() {
  if [ -n "${ANDROID_SERIAL:-}" ]; then
    adb -s "$ANDROID_SERIAL" "$@"
  else
    adb "$@"
  fi
}

# adb_cmd bounded by $1 seconds, so that a wedged adb cannot outlive a deadline.
adb_bounded() {
  local secs=$1
  shift
  if [ -n "${ANDROID_SERIAL:-}" ]; then
    with_timeout "$secs" adb -s "$ANDROID_SERIAL" "$@"
  else
    with_timeout "$secs" adb "$@"
  fi
}

# One line of `adb shell <cmd>` output without the CR that old adb versions add, or "" on failure.
shell_line() {
  local out
  out=$(adb_bounded 10 shell "$@" 2>/dev/null) || out=""
  out=${out%%$'\n'*}
  printf '%s' "${out%$'\r'}"
}

# Deadline clock: deadline_set <seconds>; deadline_left prints the seconds left (0 when past).
deadline_set() {
  DEADLINE=$((SECONDS + $1))
}

deadline_left() {
  local left=$((DEADLINE - SECONDS))
  if [ "$left" -lt 0 ]; then left=0; fi
  printf '%s' "$left"
}

# Calls "$@" every $SESSIONSCOPE_POLL_INTERVAL seconds (default 1) until it succeeds (0) or the
# deadline passes (1).
poll_until() {
  while :; do
    if "$@"; then return 0; fi
    if [ "$(deadline_left)" -le 0 ]; then return 1; fi
    sleep "${SESSIONSCOPE_POLL_INTERVAL:-1}"
  done
}

require_positive_int() {
  case "$2" in
    '' | *[!0-9]* | 0) die "$1 must be a whole number of seconds above 0, not '$2'" ;;
  esac
}
