/**
 * The device a dynamic run would use, through adb: which devices are attached (`adb devices -l`)
 * and in what state, the one chosen (--udid, else ANDROID_SERIAL, else the only one online), its
 * API level and boot state (one `getprop` round-trip), and whether files of release builds can be
 * read: root, the same way dynamic/device-fs.ts gets it (`id` says uid=0, or `su 0 id` does).
 */
import { describeRun, fixes, result, type CheckResult, type Fix, type Host } from './types.js';

export interface AdbDevice {
  serial: string;
  state: string;
  /** `-l` attributes: product, model, device, transport_id. */
  attrs: Record<string, string>;
}

/** The lines after "List of devices attached"; null when that header is missing. */
export function parseDevices(stdout: string): AdbDevice[] | null {
  const at = stdout.indexOf('List of devices attached');
  if (at < 0) return null;
  const out: AdbDevice[] = [];
  for (const line of stdout.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s+(no permissions|\S+)(.*)$/.exec(line.trim());
    if (!m) continue;
    const attrs: Record<string, string> = {};
    // key:value attributes; the free text after "no permissions" (links, advice) is not one.
    for (const kv of m[3]!.trim().split(/\s+/)) {
      const a = /^([a-z_]+):(\S+)$/.exec(kv);
      if (a) attrs[a[1]!] = a[2]!;
    }
    out.push({ serial: m[1]!, state: m[2]!, attrs });
  }
  return out;
}

/** `getprop` output (`[key]: [value]` lines) as a map. */
export function parseProps(stdout: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const m of stdout.matchAll(/^\[([^\]]+)\]: \[([^\]]*)\]/gm)) props[m[1]!] = m[2]!;
  return props;
}

function bootEmulator(avds: string[] | null): Fix[] {
  const name = avds?.[0] ?? '<name>';
  return fixes(`emulator -avd ${name} -no-window -no-snapshot -noaudio -no-boot-anim &`, 'adb wait-for-device');
}

function describeDevice(d: AdbDevice): string {
  const what = d.attrs.model ?? d.attrs.product;
  return what ? `${d.serial} (${what})` : d.serial;
}

const STATE_HELP: Record<string, { why: string; fix: (serial: string) => Fix[] }> = {
  unauthorized: {
    why: 'the device has not accepted this computer\'s adb key',
    fix: () => fixes('adb kill-server && adb devices -l   # then accept "Allow USB debugging?" on the device'),
  },
  offline: {
    why: 'adb sees it but it does not answer (still booting, or adbd hung)',
    fix: (s) => fixes('adb reconnect offline', `adb -s ${s} wait-for-device`),
  },
  'no permissions': {
    why: 'this user may not open the USB device',
    fix: () => [{ command: 'sudo usermod -aG plugdev $USER && adb kill-server   # then log out and in; needs the android-udev rules', os: 'linux' }],
  },
};

export interface DeviceOptions {
  /** --udid; ANDROID_SERIAL is read from the host's environment. */
  udid: string | null;
  /** AVD names from the emulator check, to name one in the fix. */
  avds: string[] | null;
}

export async function checkDevice(host: Host, adb: string | null, opts: DeviceOptions): Promise<{ result: CheckResult; serial: string | null }> {
  const title = 'device';
  const none = (status: 'fail' | 'warn' | 'skip', detail: string, fix: Fix[] = []) => ({ result: result('device', title, true, status, detail, fix), serial: null });
  if (!adb) return none('skip', 'needs adb');
  const r = await host.run(adb, ['devices', '-l'], { timeoutMs: host.timeoutMs });
  if (r.error || r.code !== 0) return none('fail', `adb server not reachable: ${describeRun('adb devices -l', r, host.timeoutMs)}`, fixes('adb kill-server && adb start-server'));
  const devices = parseDevices(r.stdout);
  if (!devices) return none('fail', `unexpected output from adb devices -l: ${r.stdout.trim().split('\n')[0] ?? ''}`, fixes('adb kill-server && adb start-server'));
  const listed = devices.map((d) => `${d.serial} (${d.state})`).join(', ');
  const wanted = opts.udid ?? host.env.ANDROID_SERIAL ?? null;
  const source = opts.udid ? '--udid' : 'ANDROID_SERIAL';
  let chosen: AdbDevice | undefined;
  let note = '';
  if (wanted) {
    chosen = devices.find((d) => d.serial === wanted);
    if (!chosen) return none('fail', `${wanted} (${source}) is not attached; attached: ${listed || 'none'}`, bootEmulator(opts.avds));
  } else if (devices.length === 0) {
    return none('fail', 'no device or emulator attached', bootEmulator(opts.avds));
  } else {
    const online = devices.filter((d) => d.state === 'device');
    chosen = online[0] ?? devices[0]!;
    if (devices.length > 1) note = `; also attached: ${devices.filter((d) => d !== chosen).map((d) => `${d.serial} (${d.state})`).join(', ')}`;
    if (online.length > 1) {
      return {
        result: result('device', title, true, 'warn', `${online.length} devices online; checking ${describeDevice(chosen)}, but Appium may pick another${note}`, fixes(`export ANDROID_SERIAL=${chosen.serial}   # or: sessionscope dynamic --udid ${chosen.serial}`)),
        serial: chosen.serial,
      };
    }
  }
  if (chosen.state !== 'device') {
    const help = STATE_HELP[chosen.state];
    const why = help ? `: ${help.why}` : '';
    return none('fail', `${chosen.serial} is ${chosen.state}${why}${note}`, help ? help.fix(chosen.serial) : fixes('adb kill-server && adb devices -l'));
  }
  return { result: result('device', title, true, 'ok', `${describeDevice(chosen)} online${wanted ? ` (${source})` : ''}${note}`), serial: chosen.serial };
}

export async function checkBoot(host: Host, adb: string | null, serial: string | null): Promise<{ result: CheckResult; props: Record<string, string> | null }> {
  const title = 'boot';
  if (!adb || !serial) return { result: result('boot', title, true, 'skip', 'needs a device online'), props: null };
  const r = await host.run(adb, ['-s', serial, 'shell', 'getprop'], { timeoutMs: host.timeoutMs });
  if (r.error || r.code !== 0) {
    return { result: result('boot', title, true, 'fail', describeRun(`adb -s ${serial} shell getprop`, r, host.timeoutMs), fixes(`adb -s ${serial} reconnect`)), props: null };
  }
  const props = parseProps(r.stdout);
  const api = props['ro.build.version.sdk'] ?? '?';
  const release = props['ro.build.version.release'];
  const build = [props['ro.build.type'], props['ro.build.tags'], props['ro.product.name']].filter(Boolean).join(' ');
  const what = `${serial}: ${release ? `Android ${release}, ` : ''}API ${api}${build ? `, ${build}` : ''}`;
  if (props['sys.boot_completed'] !== '1') {
    return {
      result: result('boot', title, true, 'fail', `${what}, boot not completed (sys.boot_completed=${props['sys.boot_completed'] ?? 'unset'})`, fixes(`adb -s ${serial} wait-for-device shell 'while [ "$(getprop sys.boot_completed)" != 1 ]; do sleep 2; done'`)),
      props,
    };
  }
  return { result: result('boot', title, true, 'ok', `${what}, boot completed`), props };
}

const UID = /\buid=(\d+)(\([^)]*\))?/;

export async function checkRoot(host: Host, adb: string | null, serial: string | null, props: Record<string, string> | null): Promise<CheckResult> {
  const title = 'root';
  if (!adb || !serial || !props) return result('root', title, false, 'skip', 'needs a booted device');
  const id = await host.run(adb, ['-s', serial, 'shell', 'id'], { timeoutMs: host.timeoutMs });
  if (id.error || id.code !== 0) return result('root', title, false, 'warn', describeRun(`adb -s ${serial} shell id`, id, host.timeoutMs), fixes(`adb -s ${serial} reconnect`));
  const uid = UID.exec(id.stdout);
  if (uid?.[1] === '0') return result('root', title, false, 'ok', `adbd runs as root (${uid[0]})`);
  const su = await host.run(adb, ['-s', serial, 'shell', 'su', '0', 'id'], { timeoutMs: host.timeoutMs });
  if (!su.error && su.code === 0 && UID.exec(su.stdout)?.[1] === '0') return result('root', title, false, 'ok', `su 0 gives root (adbd runs as ${uid?.[0] ?? 'non-root'})`);
  const consequence = 'files of release builds will read inconclusive; debuggable builds are still read with run-as';
  const type = props['ro.build.type'] ?? '?';
  const tags = props['ro.build.tags'] ?? '?';
  const product = props['ro.product.name'] ?? '?';
  const playStore = /playstore/i.test(product);
  if (playStore || type === 'user' || tags.includes('release-keys')) {
    const api = props['ro.build.version.sdk'] ?? '34';
    const image = `system-images;android-${api};google_apis;x86_64`;
    return result(
      'root',
      title,
      false,
      'warn',
      `no root: ${playStore ? 'a Google Play image' : 'a production build'} (ro.build.type=${type}, ro.build.tags=${tags}, ro.product.name=${product}) refuses adb root; ${consequence}`,
      fixes(`sdkmanager "${image}"`, `avdmanager create avd -n sessionscope -k "${image}"`, 'emulator -avd sessionscope -no-window -no-snapshot -noaudio -no-boot-anim &'),
    );
  }
  return result(
    'root',
    title,
    false,
    'warn',
    `no root yet: adbd runs as ${uid?.[0] ?? 'non-root'} and su is unavailable on this ${type} build; ${consequence}`,
    fixes(`adb -s ${serial} root   # works only on images without Google Play; run it before Appium starts`),
  );
}
