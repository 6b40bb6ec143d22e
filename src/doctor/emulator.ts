/**
 * The emulator binary ($ANDROID_HOME/emulator/emulator, else PATH) and its AVDs
 * (`emulator -list-avds`). Advisory: needed only to boot an emulator, not when a device is already
 * attached. The AVD names feed the device check, so its fix can name a real AVD.
 */
import { sdkBinary, type SdkRoot } from './android-sdk.js';
import { which } from './host.js';
import { describeRun, fixes, result, type CheckResult, type Host } from './types.js';

const IMAGE = 'system-images;android-34;google_apis;x86_64';

export async function checkEmulator(host: Host, sdk: SdkRoot): Promise<{ result: CheckResult; avds: string[] | null }> {
  const title = 'emulator';
  const emulator = sdkBinary(host, sdk, 'emulator') ?? which(host, 'emulator');
  if (!emulator) {
    return { result: result('emulator', title, false, 'warn', 'not found (needed only to boot an emulator)', fixes('sdkmanager "emulator"')), avds: null };
  }
  const r = await host.run(emulator, ['-list-avds'], { timeoutMs: host.timeoutMs });
  if (r.error || r.code !== 0) return { result: result('emulator', title, false, 'warn', describeRun(`${emulator} -list-avds`, r, host.timeoutMs), fixes('sdkmanager "emulator"')), avds: null };
  // Other lines (INFO | …, warnings) are not AVD names, which are [A-Za-z0-9._-].
  const avds = r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^[A-Za-z0-9._-]+$/.test(l));
  if (!avds.length) {
    return {
      result: result('emulator', title, false, 'warn', `${emulator}: no AVDs`, fixes(`sdkmanager "${IMAGE}"`, `avdmanager create avd -n sessionscope -k "${IMAGE}"`)),
      avds,
    };
  }
  return { result: result('emulator', title, false, 'ok', `${emulator}: AVDs ${avds.join(', ')}`), avds };
}
