/**
 * The Android SDK and adb, found the way appium-adb (used by the UiAutomator2 driver) finds them:
 * the SDK root is ANDROID_HOME, else ANDROID_SDK_ROOT (`getSdkRootFromEnv`), and `createADB`
 * refuses to start without one; binaries are looked up in the root's platform-tools, emulator,
 * cmdline-tools/latest/bin, tools, tools/bin and the root itself (`SDK_BINARY_ROOTS`). An adb that is
 * only on PATH serves doctor's own device checks but is not the one UiAutomator2 uses.
 */
import path from 'node:path';
import { which } from './host.js';
import { describeRun, firstLine, fixes, result, type CheckResult, type Fix, type Host } from './types.js';

const SDK_BINARY_ROOTS = ['platform-tools', 'emulator', 'cmdline-tools/latest/bin', 'tools', 'tools/bin', '.'];

export interface SdkRoot {
  root: string | null;
  from: 'ANDROID_HOME' | 'ANDROID_SDK_ROOT' | null;
}

export const SET_ANDROID_HOME: Fix[] = [
  { command: 'export ANDROID_HOME=$HOME/Android/Sdk', os: 'linux' },
  { command: 'export ANDROID_HOME=$HOME/Library/Android/sdk', os: 'macos' },
];

export function sdkRoot(host: Host): SdkRoot {
  if (host.env.ANDROID_HOME) return { root: host.env.ANDROID_HOME, from: 'ANDROID_HOME' };
  if (host.env.ANDROID_SDK_ROOT) return { root: host.env.ANDROID_SDK_ROOT, from: 'ANDROID_SDK_ROOT' };
  return { root: null, from: null };
}

/** `name` in the SDK root, in appium-adb's order, or null. */
export function sdkBinary(host: Host, sdk: SdkRoot, name: string): string | null {
  if (!sdk.root) return null;
  for (const dir of SDK_BINARY_ROOTS) {
    const p = path.resolve(sdk.root, dir, name);
    if (host.fs.isFile(p)) return p;
  }
  return null;
}

/**
 * ANDROID_HOME / ANDROID_SDK_ROOT. Required when sessionscope starts its own Appium (the server
 * inherits this environment); with --appium-url the server's own environment decides, so a problem
 * here is only a warning.
 */
export function checkAndroidSdk(host: Host, sdk: SdkRoot, required: boolean): CheckResult {
  const bad = required ? 'fail' : 'warn';
  const title = 'Android SDK';
  if (!sdk.root || !sdk.from) {
    return result('android-sdk', title, required, bad, 'ANDROID_HOME and ANDROID_SDK_ROOT are unset; UiAutomator2 (appium-adb) will not start without one', SET_ANDROID_HOME);
  }
  if (!host.fs.isDir(sdk.root)) {
    return result('android-sdk', title, required, bad, `${sdk.from}=${sdk.root} is not a directory`, SET_ANDROID_HOME);
  }
  const home = host.env.ANDROID_HOME;
  const other = host.env.ANDROID_SDK_ROOT;
  if (home && other && path.resolve(home) !== path.resolve(other)) {
    return result(
      'android-sdk',
      title,
      required,
      'warn',
      `ANDROID_HOME=${home} and ANDROID_SDK_ROOT=${other} differ; appium-adb uses ANDROID_HOME`,
      fixes('export ANDROID_SDK_ROOT="$ANDROID_HOME"'),
    );
  }
  return result('android-sdk', title, required, 'ok', `${sdk.from}=${sdk.root}${home && other ? ' (ANDROID_SDK_ROOT agrees)' : ''}`);
}

/** `adb version` → "1.0.41 (35.0.2-12147458)". */
function adbVersion(stdout: string): string {
  const bridge = /Android Debug Bridge version (\S+)/.exec(stdout)?.[1];
  const build = /^Version (\S+)/m.exec(stdout)?.[1];
  if (!bridge) return firstLine(stdout);
  return build ? `${bridge} (${build})` : bridge;
}

const INSTALL_ADB: Fix[] = fixes('sdkmanager "platform-tools"', 'export PATH="$ANDROID_HOME/platform-tools:$PATH"');

export async function checkAdb(host: Host, sdk: SdkRoot): Promise<{ result: CheckResult; adb: string | null }> {
  const title = 'adb';
  const inSdk = sdkBinary(host, sdk, 'adb');
  const onPath = which(host, 'adb');
  if (sdk.root && !inSdk) {
    const where = onPath ? `; the one on PATH (${onPath}) is not the one UiAutomator2 uses` : ' and none is on PATH';
    return { result: result('adb', title, true, 'fail', `not found in ${sdk.from}=${sdk.root} (platform-tools/adb)${where}`, INSTALL_ADB), adb: onPath };
  }
  const adb = inSdk ?? onPath;
  if (!adb) {
    return { result: result('adb', title, true, 'fail', 'not found: ANDROID_HOME and ANDROID_SDK_ROOT are unset and no adb is on PATH', INSTALL_ADB), adb: null };
  }
  const r = await host.run(adb, ['version'], { timeoutMs: host.timeoutMs });
  if (r.error || r.code !== 0) {
    return { result: result('adb', title, true, 'fail', describeRun(adb, r, host.timeoutMs), INSTALL_ADB), adb: null };
  }
  const from = inSdk ? '' : ' (from PATH)';
  return { result: result('adb', title, true, 'ok', `${adb}${from}: ${adbVersion(r.stdout)}`), adb };
}
