#!/usr/bin/env bash
# Builds the Android test fixtures in test/fixtures/apps/<app>/ into signed, aligned APKs in
# test/fixtures/apks/<app>.apk, with Debian's Android tools only (no Google SDK):
#
#   apt-get install -y aapt zipalign apksigner android-framework-res libsmali-java \
#                      default-jre-headless unzip dexdump
#
# Usage: scripts/build-fixtures.sh [--out DIR] [--no-verify] [APP...]
#   --out DIR     write the APKs to DIR instead of test/fixtures/apks (the tests rebuild into a
#                 temporary directory and compare sha256s with the committed APKs)
#   --no-verify   skip the checks run on every APK after it is built
#   APP...        build only these apps (default: every folder in test/fixtures/apps)
#
# Output is byte-for-byte reproducible: aapt/aapt2 stamp zip entries with a fixed date, smali
# runs single-threaded on a sorted file list (see assemble_dex), and the APKs are signed
# (v1+v2+v3, deterministic RSA PKCS#1 v1.5) with the committed throwaway key
# test/fixtures/fixture.keystore. Running the script twice gives the same sha256s.
#
# Each app folder holds AndroidManifest.xml, res/, optional assets/, smali/ (classes.dex),
# optional smali_classes2/, smali_classes3/ ... (classes2.dex, ...) and build.conf:
#   RESOURCE_COMPILER=aapt|aapt2
#   SHORTEN_RESOURCE_PATHS=1            aapt2 optimize --enable-resource-path-shortening
#   PATCH_MANIFEST_ATTR=FROM TO NAME    rename a placeholder attribute in the binary manifest
#                                       (scripts/patch-axml-attr.mjs), for attributes newer
#                                       than the API 29 framework-res.apk (dataExtractionRules)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APPS_DIR=$ROOT/test/fixtures/apps
OUT_DIR=$ROOT/test/fixtures/apks
KEYSTORE=$ROOT/test/fixtures/fixture.keystore
KS_PASS=android
KS_ALIAS=fixture
FRAMEWORK_RES=${FRAMEWORK_RES:-/usr/share/android-framework-res/framework-res.apk}
VERIFY=1
APPS=()

while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT_DIR=$2; shift 2 ;;
        --no-verify) VERIFY=0; shift ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build-fixtures: unknown option $1" >&2; exit 2 ;;
        *) APPS+=("$1"); shift ;;
    esac
done

# ---- tools ------------------------------------------------------------------------------
missing=()
need() { # need TOOL DEBIAN_PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing+=("  $1  (Debian package: $2)")
}
need aapt aapt
need aapt2 aapt
need smali libsmali-java
need zipalign zipalign
need apksigner apksigner
need java default-jre-headless
need node nodejs
if [ "$VERIFY" = 1 ]; then
    need unzip unzip
    need dexdump dexdump
fi
[ -f "$FRAMEWORK_RES" ] || missing+=("  $FRAMEWORK_RES  (Debian package: android-framework-res)")
if [ ${#missing[@]} -gt 0 ]; then
    {
        echo "build-fixtures: missing tools:"
        printf '%s\n' "${missing[@]}"
        echo "install them with: apt-get update && apt-get install -y aapt zipalign apksigner android-framework-res libsmali-java default-jre-headless unzip dexdump"
    } >&2
    exit 1
fi
if [ ! -f "$KEYSTORE" ]; then
    echo "build-fixtures: $KEYSTORE is missing; it is committed so that builds are reproducible." >&2
    echo "  To start over with a new throwaway key (every APK's sha256 changes):" >&2
    echo "  keytool -genkeypair -noprompt -keystore $KEYSTORE -storetype PKCS12 -storepass $KS_PASS -keypass $KS_PASS -alias $KS_ALIAS -keyalg RSA -keysize 2048 -validity 10000 -dname 'CN=sessionscope throwaway fixture key, O=sessionscope, C=US'" >&2
    exit 1
fi

if [ ${#APPS[@]} -eq 0 ]; then
    for d in "$APPS_DIR"/*/; do APPS+=("$(basename "$d")"); done
fi
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() { echo "build-fixtures: $*" >&2; exit 1; }

# conf FILE KEY: the value of KEY= in a build.conf (empty when absent)
conf() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# manifest_attr FILE ATTR: the value of android:ATTR in a source manifest (first match)
manifest_attr() { grep -o "android:$2=\"[^\"]*\"" "$1" | head -n 1 | sed 's/.*="\(.*\)"/\1/'; }

# assemble_dex DIR OUT.dex API
# smali's output depends on the order it reads classes in: with several threads (its default)
# or with a directory argument (file-system listing order) the data section's order can change
# from run to run. One thread and an explicitly sorted file list make the dex reproducible.
assemble_dex() {
    local files=()
    mapfile -t files < <(cd "$1" && find . -type f -name '*.smali' | LC_ALL=C sort)
    [ ${#files[@]} -gt 0 ] || fail "no .smali files in $1"
    (cd "$1" && smali assemble --jobs 1 --api "$3" -o "$2" "${files[@]}")
}

build_app() {
    local app=$1
    local src=$APPS_DIR/$app
    local w=$WORK/$app
    local out=$OUT_DIR/$app.apk
    [ -f "$src/AndroidManifest.xml" ] || fail "$src/AndroidManifest.xml not found"
    [ -f "$src/build.conf" ] || fail "$src/build.conf not found"
    mkdir -p "$w"

    local compiler shorten patch min_sdk
    compiler=$(conf "$src/build.conf" RESOURCE_COMPILER)
    shorten=$(conf "$src/build.conf" SHORTEN_RESOURCE_PATHS)
    patch=$(conf "$src/build.conf" PATCH_MANIFEST_ATTR)
    min_sdk=$(manifest_attr "$src/AndroidManifest.xml" minSdkVersion)
    [ -n "$min_sdk" ] || fail "$app: no android:minSdkVersion in the manifest"

    local assets=()
    [ -d "$src/assets" ] && assets=(-A "$src/assets")

    # 1. Manifest + resources -> binary XML + resources.arsc (+ assets), in unsigned.apk.
    case "$compiler" in
        aapt)
            aapt package -f -M "$src/AndroidManifest.xml" -S "$src/res" "${assets[@]}" \
                -I "$FRAMEWORK_RES" -F "$w/unsigned.apk" >/dev/null
            ;;
        aapt2)
            aapt2 compile --dir "$src/res" -o "$w/res.zip"
            aapt2 link -o "$w/linked.apk" -I "$FRAMEWORK_RES" \
                --manifest "$src/AndroidManifest.xml" "${assets[@]}" "$w/res.zip"
            if [ "$shorten" = 1 ]; then
                aapt2 optimize --enable-resource-path-shortening \
                    --resource-path-shortening-map "$w/path-map.txt" \
                    -o "$w/unsigned.apk" "$w/linked.apk"
            else
                mv "$w/linked.apk" "$w/unsigned.apk"
            fi
            ;;
        *) fail "$app: RESOURCE_COMPILER must be aapt or aapt2, not '$compiler'" ;;
    esac

    # 2. Optional binary-manifest patch (attributes the API 29 attribute table lacks).
    if [ -n "$patch" ]; then
        local from to name
        read -r from to name <<<"$patch"
        mkdir -p "$w/manifest"
        node "$ROOT/scripts/patch-axml-attr.mjs" "$w/unsigned.apk" "$w/manifest/AndroidManifest.xml" \
            --from "$from" --to "$to" --name "$name" >/dev/null
        aapt remove "$w/unsigned.apk" AndroidManifest.xml
        (cd "$w/manifest" && aapt add "$w/unsigned.apk" AndroidManifest.xml >/dev/null)
    fi

    # 3. smali/ -> classes.dex, smali_classes2/ -> classes2.dex, ...
    mkdir -p "$w/dex"
    [ -d "$src/smali" ] || fail "$app: no smali/ folder"
    assemble_dex "$src/smali" "$w/dex/classes.dex" "$min_sdk"
    local n=2
    while [ -d "$src/smali_classes$n" ]; do
        assemble_dex "$src/smali_classes$n" "$w/dex/classes$n.dex" "$min_sdk"
        n=$((n + 1))
    done
    # aapt add stores names as given: run it in the dex folder. The glob sorts classes.dex first.
    (cd "$w/dex" && aapt add "$w/unsigned.apk" classes*.dex >/dev/null)

    # 4. Align (resources.arsc must be stored and 4-aligned for targetSdk 30+), 5. sign.
    if [ -n "$patch" ]; then
        # `aapt remove` leaves the removed manifest's bytes as a gap before the first entry,
        # and zipalign computes padding as if input offsets were output offsets, so a single
        # pass misaligns every stored entry. A first pass writes a gap-free copy (its own
        # alignment self-check fails, hence `|| true`); the second pass aligns it properly
        # (and `zipalign -c` below checks the result).
        zipalign -f -p 4 "$w/unsigned.apk" "$w/compact.apk" >/dev/null 2>&1 || true
        [ -s "$w/compact.apk" ] || fail "$app: zipalign could not rewrite the patched APK"
        mv "$w/compact.apk" "$w/unsigned.apk"
    fi
    zipalign -f -p 4 "$w/unsigned.apk" "$w/aligned.apk"
    apksigner sign --ks "$KEYSTORE" --ks-pass "pass:$KS_PASS" --key-pass "pass:$KS_PASS" \
        --ks-key-alias "$KS_ALIAS" --v4-signing-enabled false \
        --out "$w/signed.apk" "$w/aligned.apk"
    # Replace the output only when its bytes change (keeps mtimes stable on a no-op rebuild).
    if ! cmp -s "$w/signed.apk" "$out"; then cp "$w/signed.apk" "$out"; fi

    if [ "$VERIFY" = 1 ]; then verify_app "$app" "$out" "$patch"; fi
    echo "$(sha256sum "$out" | cut -d' ' -f1)  $app.apk  ($(stat -c %s "$out") bytes)"
}

verify_app() {
    local app=$1 apk=$2 patch=$3
    local src=$APPS_DIR/$app
    local log=$WORK/$app/verify.log

    apksigner verify --verbose "$apk" >"$log" 2>&1 || { cat "$log" >&2; fail "$app: apksigner verify failed"; }
    grep -q '^Verifies' "$log" || fail "$app: apksigner did not report 'Verifies'"
    zipalign -c -p -v 4 "$apk" >"$log" 2>&1 || { cat "$log" >&2; fail "$app: zipalign -c failed"; }

    local package
    package=$(grep -o 'package="[^"]*"' "$src/AndroidManifest.xml" | head -n 1 | cut -d'"' -f2)
    aapt dump badging "$apk" >"$log" 2>&1 || { cat "$log" >&2; fail "$app: aapt dump badging failed"; }
    grep -q "^package: name='$package'" "$log" || fail "$app: badging does not name package $package"
    grep -q "^sdkVersion:'$(manifest_attr "$src/AndroidManifest.xml" minSdkVersion)'" "$log" ||
        fail "$app: badging has the wrong sdkVersion"
    grep -q "^targetSdkVersion:'$(manifest_attr "$src/AndroidManifest.xml" targetSdkVersion)'" "$log" ||
        fail "$app: badging has the wrong targetSdkVersion"

    aapt dump xmltree "$apk" AndroidManifest.xml >"$log" 2>&1 || { cat "$log" >&2; fail "$app: aapt dump xmltree failed"; }
    if [ -n "$patch" ]; then
        local from to name
        read -r from to name <<<"$patch"
        grep -Eq "android:$name\\($to\\)=@0x7f[0-9a-f]{6}" "$log" ||
            fail "$app: the manifest has no android:$name($to)=@0x7f... after the patch"
        if grep -q "($from)" "$log"; then fail "$app: the placeholder attribute $from is still in the manifest"; fi
    fi

    # Every dex loads in dexdump (header, checksum, all class definitions).
    rm -rf "$WORK/$app/check" && mkdir -p "$WORK/$app/check"
    unzip -q -o "$apk" 'classes*.dex' -d "$WORK/$app/check"
    local dex
    for dex in "$WORK/$app/check"/classes*.dex; do
        dexdump "$dex" >"$log" 2>&1 || { tail -n 5 "$log" >&2; fail "$app: dexdump failed on $(basename "$dex")"; }
    done
}

t0=$(date +%s%N)
for app in "${APPS[@]}"; do
    [ -d "$APPS_DIR/$app" ] || fail "no app folder $APPS_DIR/$app"
    build_app "$app"
done
t1=$(date +%s%N)
echo "built ${#APPS[@]} fixture APK(s) into $OUT_DIR in $(((t1 - t0) / 1000000)) ms"
