/**
 * Runs every doctor check in order and decides whether a dynamic run can start.
 *
 * Required (all must be ok or warn): Node.js in Appium's and WebdriverIO's range, the Android SDK
 * root (when sessionscope starts its own Appium, since UiAutomator2 will not start without it), adb,
 * a device online, booted, and Appium with the UiAutomator2 driver (or, with --appium-url, that
 * server ready). Advisory: root (debuggable apps are still read with run-as), Java, KVM and the
 * emulator binary (needed only to boot an emulator). Exit code 0 when ready, 2 when not.
 */
import { checkAdb, checkAndroidSdk, sdkRoot } from './android-sdk.js';
import { checkAppiumLocal, checkAppiumUrl } from './appium.js';
import { checkBoot, checkDevice, checkRoot } from './device.js';
import { checkEmulator } from './emulator.js';
import { checkJava } from './java.js';
import { checkKvm } from './kvm.js';
import { checkNode } from './node-version.js';
import type { CheckResult, Host } from './types.js';

export interface DoctorOptions {
  udid: string | null;
  appiumUrl: string | null;
}

export interface DoctorResult {
  /** True when every required check is ok or warn. */
  ready: boolean;
  exitCode: 0 | 2;
  checks: CheckResult[];
}

export async function runDoctor(host: Host, opts: DoctorOptions): Promise<DoctorResult> {
  const sdk = sdkRoot(host);
  // Independent of adb: start them now, await them where they are shown.
  const appiumP = opts.appiumUrl ? checkAppiumUrl(host, opts.appiumUrl) : checkAppiumLocal(host);
  const javaP = checkJava(host);
  const emulatorP = checkEmulator(host, sdk);

  const node = checkNode(host);
  const sdkCheck = checkAndroidSdk(host, sdk, opts.appiumUrl === null);
  const adb = await checkAdb(host, sdk);
  const emulator = await emulatorP;
  const device = await checkDevice(host, adb.adb, { udid: opts.udid, avds: emulator.avds });
  const boot = await checkBoot(host, adb.adb, device.serial);
  const root = await checkRoot(host, adb.adb, device.serial, boot.props);
  const checks = [node, sdkCheck, adb.result, device.result, boot.result, root, await appiumP, await javaP, checkKvm(host), emulator.result];
  const ready = checks.every((c) => !c.required || c.status === 'ok' || c.status === 'warn');
  return { ready, exitCode: ready ? 0 : 2, checks };
}
