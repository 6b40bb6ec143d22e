#!/usr/bin/env bash
# Regenerates test/fixtures/axml/expected/<apk>.xmltree.txt: `aapt dump xmltree` (Debian's aapt,
# Android 10) of AndroidManifest.xml and every res/**.xml of each test APK, in zip order, each
# preceded by a "##### <entry>" line. test/apk/axml.test.ts compares renderXmlTree() with them.
# Needs: apt-get install aapt unzip. Run from anywhere; writes into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/axml/expected
mkdir -p "$out"
command -v aapt >/dev/null || { echo "aapt not found: apt-get install aapt" >&2; exit 1; }
apks=(node_modules/android-apidemos/apks/ApiDemos-debug.apk
      node_modules/io.appium.settings/apks/settings_apk-debug.apk
      node_modules/appium-uiautomator2-server/apks/*.apk)
if [ -d ../shared/corpus ]; then apks+=(../shared/corpus/*.apk); else echo "../shared/corpus not present: its snapshots are left as they are" >&2; fi
for apk in "${apks[@]}"; do
  b=$(basename "$apk" .apk)
  {
    unzip -Z1 "$apk" | grep -E '^(AndroidManifest\.xml|res/.*\.xml)$' | while IFS= read -r e; do
      echo "##### $e"
      aapt dump xmltree "$apk" "$e"
    done
  } > "$out/$b.xmltree.txt"
  echo "$out/$b.xmltree.txt: $(grep -c '^#####' "$out/$b.xmltree.txt") files, $(grep -c '^ *A: ' "$out/$b.xmltree.txt") attributes"
done
