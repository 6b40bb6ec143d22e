#!/usr/bin/env bash
# Makes a booted emulator ready for the dynamic stage, before Appium starts (`adb root` restarts
# adbd, which drops Appium's port forwards and any session):
#   1. wait-for-boot.sh;
#   2. unlock the screen (`input keyevent 82`, `wm dismiss-keyguard`);
#   3. the three animation scales to 0 (animations make screenshots and waits flaky);
#   4. `adb root` where the image allows it (google_apis, default, *_atd; not *_playstore), so that
#      the probes can read /data/data/<pkg> of release builds; then wait for the device again;
#   5. the backup manager on and its local transport selected (`bmgr`), for the reinstall probe.
# Prints one summary line per item. Root or a local transport being unavailable is a warning
# (the affected probes say inconclusive); exit 2 only when the device itself is not usable.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=emulator/lib.sh
. "$HERE/lib.sh"

bash "$HERE/wait-for-boot.sh"

log "device: ${ANDROID_SERIAL:-default} (Android $(shell_line getprop ro.build.version.release), API $(shell_line getprop ro.build.version.sdk))"

# ---- screen
unlocked=yes
adb_bounded 10 shell input keyevent 82 >/dev/null 2>&1 || unlocked=no
adb_bounded 10 shell wm dismiss-keyguard >/dev/null 2>&1 || unlocked=no
if [ "$unlocked" = yes ]; then
  log "screen: unlocked (input keyevent 82, wm dismiss-keyguard)"
else
  warn "screen: the unlock commands failed; a locked screen will hide the app"
fi

# ---- animations
failed=""
for scale in window_animation_scale transition_animation_scale animator_duration_scale; do
  adb_bounded 10 shell settings put global "$scale" 0 >/dev/null 2>&1 || failed="$failed $scale"
done
if [ -z "$failed" ]; then
  log "animations: off (window, transition and animator scales 0)"
else
  warn "animations: could not set$failed to 0"
fi

# ---- root
shell_uid() {
  case "$(shell_line id)" in
    uid=0\(*) uid=0 ;;
    uid=*) uid=other ;;
    *) return 1 ;;
  esac
}
uid=""
answer=$(adb_bounded 30 root 2>&1) || true
answer=${answer//$'\r'/}
answer=${answer//$'\n'/ }
case "$answer" in
  *"cannot run as root"*)
    log "root: no ($answer)"
    warn "adb root is not allowed on this image (a Play Store image?): probes that read the app's private files need a debuggable build; use a google_apis, default or *_atd image"
    ;;
  *)
    # "restarting adbd as root": adbd restarts and the device is gone for a moment.
    deadline_set 60
    if ! adb_bounded 60 wait-for-device >/dev/null 2>&1 || ! poll_until shell_uid; then
      die "prepare-device: the device did not come back within 60 s after adb root ($answer)"
    fi
    if [ "$uid" = 0 ]; then
      log "root: yes"
    else
      log "root: no (adb root answered '$answer' but the shell does not run as uid 0)"
      warn "no root shell: probes that read the app's private files need a debuggable build"
    fi
    ;;
esac

# ---- backup manager and local transport
adb_bounded 20 shell bmgr enable true >/dev/null 2>&1 || true
enabled=$(shell_line bmgr enabled)
case "$enabled" in
  *"currently enabled"*) log "backup manager: enabled" ;;
  *) warn "backup manager: 'bmgr enable true' did not take (bmgr enabled: '$enabled')" ;;
esac

list_transports() {
  adb_bounded 20 shell bmgr list transports 2>/dev/null | tr -d '\r' || true
}
# The local transport's name differs by image: com.android.localtransport/.LocalTransport (AOSP,
# google_apis) or android/com.android.internal.backup.LocalTransport (older images).
transport=$(list_transports | sed -e 's/^[ *]*//' | grep -m 1 -E '(^|[/.])LocalTransport$' || true)
if [ -z "$transport" ]; then
  log "transport: none: the reinstall probe will say inconclusive"
  warn "no local backup transport in 'bmgr list transports'; the reinstall probe cannot restore a backup"
else
  adb_bounded 20 shell bmgr transport "$transport" >/dev/null 2>&1 || true
  # `bmgr list transports` marks the current one with "  * ".
  after=$(list_transports)
  if grep -qxF "  * $transport" <<<"$after"; then
    log "transport: $transport"
  else
    log "transport: none: the reinstall probe will say inconclusive"
    warn "'bmgr transport $transport' did not select it"
  fi
fi
log "prepare-device: ready"
