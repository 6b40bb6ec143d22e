#!/usr/bin/env bash
# The one script the emulator runner executes (its `script` input runs each line in its own
# `sh -c`, so everything lives here): prepare the device, record logcat, start Appium, run
# `sessionscope dynamic`, render its report.json as SARIF and HTML, and stop Appium and logcat on
# every way out (masking the credentials in their logs). Settings come from the environment
# (see emulator/README.md):
#   SESSIONSCOPE_APK (required), SESSIONSCOPE_FLOW, SESSIONSCOPE_OUT (sessionscope-report),
#   SESSIONSCOPE_FAIL_ON (high), SESSIONSCOPE_CLI (<repo>/bin/sessionscope.js),
#   SESSIONSCOPE_APPIUM_PORT (4723), SESSIONSCOPE_CAPABILITIES (k=v lines),
#   SESSIONSCOPE_SARIF_CATEGORY, SESSIONSCOPE_SKIP_DEVICE_PREP=1, ANDROID_SERIAL,
#   SESSIONSCOPE_DEFER_EXIT=1 (write the CLI's exit code to $SESSIONSCOPE_OUT/dynamic.exit and
#   exit 0 for 0 and 1, so that the action can upload everything before it gates).
# Credentials (SESSIONSCOPE_USER / SESSIONSCOPE_PASSWORD or the flow's ${env:NAME}) stay in the
# environment: nothing here prints them, and there is no `set -x`.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=emulator/lib.sh
. "$HERE/lib.sh"

apk=${SESSIONSCOPE_APK:-}
[ -n "$apk" ] || die "run-dynamic: SESSIONSCOPE_APK is not set (the APK to test)"
cli=${SESSIONSCOPE_CLI:-$SESSIONSCOPE_ROOT/bin/sessionscope.js}
[ -f "$cli" ] || die "run-dynamic: SESSIONSCOPE_CLI: $cli does not exist"
fail_on=${SESSIONSCOPE_FAIL_ON:-high}
port=${SESSIONSCOPE_APPIUM_PORT:-4723}
mkdir -p "${SESSIONSCOPE_OUT:-sessionscope-report}" || die "run-dynamic: cannot create ${SESSIONSCOPE_OUT:-sessionscope-report}"
out="$(cd "${SESSIONSCOPE_OUT:-sessionscope-report}" && pwd)"
dyn="$out/dynamic"
export SESSIONSCOPE_OUT="$out" SESSIONSCOPE_APPIUM_PORT="$port"

if [ "${SESSIONSCOPE_SKIP_DEVICE_PREP:-}" = 1 ]; then
  log "run-dynamic: device preparation skipped (SESSIONSCOPE_SKIP_DEVICE_PREP=1)"
else
  bash "$HERE/prepare-device.sh"
fi

logcat_pid=""
# On every way out: stop Appium and logcat, then mask the credentials in their logs.
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  bash "$HERE/appium.sh" stop || true
  if [ -n "$logcat_pid" ]; then
    kill "$logcat_pid" 2>/dev/null || true
    wait "$logcat_pid" 2>/dev/null || true
  fi
  local mask=()
  if [ -n "${SESSIONSCOPE_FLOW:-}" ]; then mask+=(--flow "$SESSIONSCOPE_FLOW"); fi
  node "$HERE/mask-logs.mjs" ${mask[@]+"${mask[@]}"} "${SESSIONSCOPE_APPIUM_LOG:-$out/appium.log}" "$out/logcat.txt" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if command -v adb >/dev/null 2>&1; then
  if [ -n "${ANDROID_SERIAL:-}" ]; then
    adb -s "$ANDROID_SERIAL" logcat >"$out/logcat.txt" 2>&1 </dev/null &
  else
    adb logcat >"$out/logcat.txt" 2>&1 </dev/null &
  fi
  logcat_pid=$!
  log "run-dynamic: logcat to $out/logcat.txt"
fi

bash "$HERE/appium.sh" start

# What the stage is about to run on (SDK, device, root, the server): in the log for whoever reads
# a failed run. Advice only: the stage itself says what it cannot do.
doctor=(doctor --appium-url "http://127.0.0.1:$port")
if [ -n "${ANDROID_SERIAL:-}" ]; then doctor+=(--udid "$ANDROID_SERIAL"); fi
node "$cli" "${doctor[@]}" || warn "run-dynamic: sessionscope doctor reports a problem (above); running the stage anyway"

args=(dynamic "$apk")
if [ -n "${SESSIONSCOPE_FLOW:-}" ]; then args+=(--flow "$SESSIONSCOPE_FLOW"); fi
args+=(--appium-url "http://127.0.0.1:$port")
if [ -n "${ANDROID_SERIAL:-}" ]; then args+=(--udid "$ANDROID_SERIAL"); fi
args+=(--out "$dyn" --format markdown --fail-on "$fail_on")
while IFS= read -r line; do
  line=${line%$'\r'}
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  case "$line" in
    '' | '#'*) ;;
    *) args+=(--capability "$line") ;;
  esac
done <<<"${SESSIONSCOPE_CAPABILITIES:-}"

code=0
node "$cli" "${args[@]}" || code=$?
log "run-dynamic: sessionscope dynamic exited with $code"

# Render the saved report for code scanning (SARIF) and people (HTML).
rendered=0
if [ -f "$dyn/report.json" ]; then
  sarif=(report "$dyn/report.json" --format sarif --output "$dyn/report.sarif")
  if [ -n "${SESSIONSCOPE_SARIF_CATEGORY:-}" ]; then sarif+=(--sarif-category "$SESSIONSCOPE_SARIF_CATEGORY"); fi
  node "$cli" "${sarif[@]}" || rendered=$?
  if [ "$rendered" -eq 0 ]; then node "$cli" report "$dyn/report.json" --format html --output "$dyn/report.html" || rendered=$?; fi
  if [ "$rendered" -eq 0 ]; then
    log "run-dynamic: wrote $dyn/report.sarif and $dyn/report.html"
  else
    warn "run-dynamic: rendering $dyn/report.json failed (sessionscope report exited with $rendered)"
  fi
else
  log "run-dynamic: no $dyn/report.json to render"
fi

if [ "${SESSIONSCOPE_DEFER_EXIT:-}" = 1 ]; then
  printf '%s\n' "$code" >"$out/dynamic.exit"
  log "run-dynamic: exit code $code recorded in $out/dynamic.exit"
  if [ "$code" -le 1 ]; then code=0; fi
fi
if [ "$code" -le 1 ] && [ "$rendered" -ne 0 ]; then code=2; fi
exit "$code"
