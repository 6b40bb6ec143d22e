#!/usr/bin/env bash
# Waits until the Android device (ANDROID_SERIAL, or the only one) has finished booting:
# `adb wait-for-device`, then polls `getprop sys.boot_completed` = 1, `init.svc.bootanim` =
# stopped (when the image has a boot animation) and an answering package manager
# (`pm path android`). A device can be listed by adb long before any of that is true.
#
# Usage: wait-for-boot.sh [timeout-seconds]   (default $SESSIONSCOPE_BOOT_TIMEOUT or 600)
# Exit 0 when ready; 2 with one line on stderr when no device appears or it does not boot in time.
set -euo pipefail
# shellcheck source=emulator/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

limit=${1:-${SESSIONSCOPE_BOOT_TIMEOUT:-600}}
require_positive_int "wait-for-boot: the boot timeout" "$limit"
command -v adb >/dev/null 2>&1 || die "wait-for-boot: adb is not on PATH (install the Android SDK platform-tools)"

which=""
if [ -n "${ANDROID_SERIAL:-}" ]; then which=" '$ANDROID_SERIAL'"; fi
deadline_set "$limit"

rc=0
waited=$(adb_bounded "$limit" wait-for-device 2>&1) || rc=$?
if [ "$rc" -eq 124 ]; then
  die "wait-for-boot: no device$which appeared within $limit s (adb wait-for-device)"
elif [ "$rc" -ne 0 ]; then
  die "wait-for-boot: adb wait-for-device failed: ${waited//$'\n'/ }"
fi

boot_completed=""
bootanim=""
package_manager="not asked"
booted() {
  boot_completed=$(shell_line getprop sys.boot_completed)
  [ "$boot_completed" = 1 ] || return 1
  bootanim=$(shell_line getprop init.svc.bootanim)
  [ -z "$bootanim" ] || [ "$bootanim" = stopped ] || return 1
  case "$(shell_line pm path android)" in
    package:*) return 0 ;;
    *) package_manager="not answering" ;;
  esac
  return 1
}

if ! poll_until booted; then
  die "wait-for-boot: device$which did not finish booting within $limit s (sys.boot_completed='$boot_completed', init.svc.bootanim='$bootanim', package manager $package_manager)"
fi
log "wait-for-boot: device$which booted ($((limit - $(deadline_left))) s)"
