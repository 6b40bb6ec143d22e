#!/usr/bin/env bash
# Regenerates the resources.arsc snapshots in test/fixtures/axml/expected/ from Debian's aapt
# and aapt2 (Android 10). test/apk/arsc.test.ts compares the reader with them:
#   <apk>.resources.txt     `aapt dump --values resources <apk>` verbatim (outputs < 256 KB)
#   <apk>.resources.digest  the same output as one sha256 per "type N" block (larger outputs, to
#                           keep the snapshots small); the lines before the first block verbatim
#   <apk>.aapt2.txt         from `aapt2 dump resources <apk>`: one line per resource:
#                           "<id> <type>/<name> | <config>... | <config>=<file>..." (configs sorted;
#                           lines sorted by id: aapt2 orders types by name, not by id)
#   framework-res.resources.sha256   sha256 of `aapt dump resources` of Debian's
#                           /usr/share/android-framework-res/framework-res.apk (API 29)
# Needs: apt-get install aapt android-framework-res; node.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/axml/expected
mkdir -p "$out"
command -v aapt >/dev/null && command -v aapt2 >/dev/null || { echo "aapt/aapt2 not found: apt-get install aapt" >&2; exit 1; }
apks=(node_modules/android-apidemos/apks/ApiDemos-debug.apk
      node_modules/io.appium.settings/apks/settings_apk-debug.apk
      node_modules/appium-uiautomator2-server/apks/*.apk)
if [ -d ../shared/corpus ]; then apks+=(../shared/corpus/*.apk); else echo "../shared/corpus not present: its snapshots are left as they are" >&2; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for apk in "${apks[@]}"; do
  b=$(basename "$apk" .apk)
  aapt dump --values resources "$apk" > "$tmp/res.txt"
  rm -f "$out/$b.resources.txt" "$out/$b.resources.digest"
  if [ "$(wc -c < "$tmp/res.txt")" -lt 262144 ]; then
    cp "$tmp/res.txt" "$out/$b.resources.txt"
  else
    node -e '
      const { createHash } = require("node:crypto");
      const lines = require("node:fs").readFileSync(process.argv[1], "utf8").split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      const out = [];
      let block = null;
      const flush = () => { if (block) out.push(`${block[0].trim()} lines=${block.length} sha256=${createHash("sha256").update(block.join("\n") + "\n").digest("hex")}`); };
      for (const l of lines) {
        if (/^    type \d+ /.test(l)) { flush(); block = [l]; }
        else if (block && /^    ./.test(l)) block.push(l);
        else { flush(); block = null; out.push(l); }
      }
      flush();
      process.stdout.write(out.join("\n") + "\n");
    ' "$tmp/res.txt" > "$out/$b.resources.digest"
  fi
  aapt2 dump resources "$apk" > "$tmp/res2.txt"
  node -e '
    const lines = require("node:fs").readFileSync(process.argv[1], "utf8").split("\n");
    const out = [];
    let cur = null;
    const flush = () => { if (cur) out.push(`${cur.id} ${cur.name} | ${cur.configs.sort().join(" ")} | ${cur.files.sort().join(" ")}`); };
    for (const l of lines) {
      let m = /^    resource (0x[0-9a-f]{8}) (\S+)/.exec(l);
      if (m) { flush(); cur = { id: m[1], name: m[2], configs: [], files: [] }; continue; }
      m = /^      \(([^)]*)\) (.*)$/.exec(l);
      if (m && cur) {
        cur.configs.push(`(${m[1]})`);
        const f = /^\(file\) (\S+)/.exec(m[2]);
        if (f) cur.files.push(`(${m[1]})=${f[1]}`);
      }
    }
    flush();
    out.sort();
    process.stdout.write(out.join("\n") + "\n");
  ' "$tmp/res2.txt" > "$out/$b.aapt2.txt"
  echo "$b: $(ls "$out/$b".resources.* "$out/$b.aapt2.txt" | tr '\n' ' ')"
done
fw=/usr/share/android-framework-res/framework-res.apk
if [ -f "$fw" ]; then
  aapt dump resources "$fw" | sha256sum | cut -d' ' -f1 > "$out/framework-res.resources.sha256"
  echo "framework-res: $(cat "$out/framework-res.resources.sha256")"
fi
