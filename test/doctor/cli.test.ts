/**
 * `sessionscope doctor` as a user runs it (node bin/sessionscope.js, built by `npx tsc -p
 * tsconfig.json` first), on PATHs and ANDROID_HOME layouts made of fake executables: bash scripts
 * that answer adb's `version`, `devices -l`, `-s <serial> shell getprop|id|su 0 id`, `java -version`
 * and `emulator -list-avds` as the real tools do. No emulator or device is involved; the Appium
 * check is real: it asks the project's own Appium (node_modules) for its drivers.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startAppiumServer, type AppiumServer } from '../../dynamic/appium-server.js';
import { ROOT } from '../helpers/apks.js';

const BIN = path.join(ROOT, 'bin/sessionscope.js');
const UA2_VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/appium-uiautomator2-driver/package.json'), 'utf8')) as { version: string }).version;
const APPIUM_VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/appium/package.json'), 'utf8')) as { version: string }).version;
const APPIUM_LINE = `OK   Appium + UiAutomator2: appium ${APPIUM_VERSION}, uiautomator2 driver ${UA2_VERSION} (${path.join(ROOT, 'node_modules/appium-uiautomator2-driver')})`;
const S = 'emulator-5554';

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'doctor', ...args], { cwd: ROOT, env: { ...env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A bash script answering each exact argument list; anything else exits 1 like an unknown adb command. */
function script(file: string, answers: Record<string, { out?: string; err?: string; code?: number; raw?: string }>): void {
  const cases = Object.entries(answers).map(([args, a]) =>
    `  ${q(args)}) ${a.raw ?? `printf '%s' ${q(a.out ?? '')}; printf '%s' ${q(a.err ?? '')} >&2; exit ${a.code ?? 0}`} ;;`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/bash\ncase "$*" in\n${cases.join('\n')}\n  *) echo "unknown command: $*" >&2; exit 1 ;;\nesac\n`, { mode: 0o755 });
}

function props(p: Record<string, string>): string {
  return Object.entries(p).map(([k, v]) => `[${k}]: [${v}]\n`).join('');
}
const GOOGLE_APIS = { 'ro.build.version.release': '14', 'ro.build.version.sdk': '34', 'ro.build.type': 'userdebug', 'ro.build.tags': 'dev-keys', 'ro.product.name': 'sdk_gphone64_x86_64', 'sys.boot_completed': '1' };
const PLAYSTORE = { ...GOOGLE_APIS, 'ro.build.type': 'user', 'ro.build.tags': 'release-keys', 'ro.product.name': 'sdk_gphone64_x86_64_playstore' };
const EMU_LINE = `${S}          device product:sdk_gphone64_x86_64 model:sdk_gphone64_x86_64 device:emu64xa transport_id:1`;

interface Layout {
  dir: string;
  sdk: string;
  env: NodeJS.ProcessEnv;
}

/** An SDK with platform-tools/adb and emulator/emulator, a JDK, and a PATH of only fake tools. */
function layout(adb: Record<string, { out?: string; err?: string; code?: number; raw?: string }>): Layout {
  const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-doctor-'));
  const sdk = path.join(dir, 'sdk');
  script(path.join(sdk, 'platform-tools/adb'), {
    version: { out: `Android Debug Bridge version 1.0.41\nVersion 35.0.2-12147458\nInstalled as ${sdk}/platform-tools/adb\n` },
    ...adb,
  });
  script(path.join(sdk, 'emulator/emulator'), { '-list-avds': { out: 'INFO    | Storing crashdata in: /tmp/android/emu-crash.db\nci_google_apis\n' } });
  script(path.join(dir, 'jdk/bin/java'), { '-version': { err: 'openjdk version "17.0.9" 2023-10-17\nOpenJDK Runtime Environment Temurin-17.0.9+9 (build 17.0.9+9)\n' } });
  mkdirSync(path.join(dir, 'bin'));
  return { dir, sdk, env: { PATH: path.join(dir, 'bin'), HOME: dir, ANDROID_HOME: sdk, JAVA_HOME: path.join(dir, 'jdk') } };
}

function device(p: Record<string, string>, id: string): Record<string, { out?: string; err?: string; code?: number }> {
  return {
    'devices -l': { out: `List of devices attached\n${EMU_LINE}\n\n` },
    [`-s ${S} shell getprop`]: { out: props(p) },
    [`-s ${S} shell id`]: { out: `${id}\n` },
    [`-s ${S} shell su 0 id`]: { err: '/system/bin/sh: su: inaccessible or not found\n', code: 127 },
  };
}

const lines = (s: string): string[] => s.split('\n');

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/src/cli/doctor-command.js'))) throw new Error('dist/ is not built: run npx tsc -p tsconfig.json first');
});

describe('sessionscope doctor (fake adb, java, emulator; real Appium)', () => {
  it('rooted google_apis emulator: every required check ok, exit 0', async () => {
    const l = layout(device(GOOGLE_APIS, 'uid=0(root) gid=0(root) groups=0(root),1004(input) context=u:r:su:s0'));
    const r = await run([], l.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toContain(`OK   Android SDK: ANDROID_HOME=${l.sdk}`);
    expect(out).toContain(`OK   adb: ${l.sdk}/platform-tools/adb: 1.0.41 (35.0.2-12147458)`);
    expect(out).toContain(`OK   device: ${S} (sdk_gphone64_x86_64) online`);
    expect(out).toContain(`OK   boot: ${S}: Android 14, API 34, userdebug dev-keys sdk_gphone64_x86_64, boot completed`);
    expect(out).toContain('OK   root: adbd runs as root (uid=0(root))');
    expect(out).toContain(APPIUM_LINE);
    expect(out).toContain(`OK   Java: 17.0.9 at ${l.dir}/jdk/bin/java (JAVA_HOME=${l.dir}/jdk)`);
    expect(out).toContain(`OK   emulator: ${l.sdk}/emulator/emulator: AVDs ci_google_apis`);
    expect(out.filter(Boolean).at(-1)).toMatch(/^ready: a dynamic run can start( \(1 warning\))?$/); // 1 warning: KVM, if this host has none
  });

  it('Play Store image without root: root is a warning with the fix, exit 0', async () => {
    const l = layout(device(PLAYSTORE, 'uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input)'));
    const r = await run([], l.env);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain(
      'WARN root: no root: a Google Play image (ro.build.type=user, ro.build.tags=release-keys, ro.product.name=sdk_gphone64_x86_64_playstore) refuses adb root; files of release builds will read inconclusive; debuggable builds are still read with run-as\n' +
      '     fix: sdkmanager "system-images;android-34;google_apis;x86_64"\n' +
      '     fix: avdmanager create avd -n sessionscope -k "system-images;android-34;google_apis;x86_64"\n' +
      '     fix: emulator -avd sessionscope -no-window -no-snapshot -noaudio -no-boot-anim &\n',
    );
    expect(lines(out)).toContain(`OK   boot: ${S}: Android 14, API 34, user release-keys sdk_gphone64_x86_64_playstore, boot completed`);
    expect(out).toMatch(/\nready: a dynamic run can start \((1 warning|2 warnings)\)\n$/); // root, and KVM if this host has none
  });

  it('no device: exit 2, the fix boots the AVD the emulator lists', async () => {
    const l = layout({ 'devices -l': { out: 'List of devices attached\n\n' } });
    const r = await run([], l.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'FAIL device: no device or emulator attached\n' +
      '     fix: emulator -avd ci_google_apis -no-window -no-snapshot -noaudio -no-boot-anim &\n' +
      '     fix: adb wait-for-device\n' +
      'SKIP boot: needs a device online\n' +
      'SKIP root: needs a booted device\n',
    );
    expect(r.stdout.endsWith('\nnot ready: a dynamic run cannot start (device failed, boot skipped)\n')).toBe(true);
  });

  it('unauthorized device: exit 2, explained, with the fix', async () => {
    const l = layout({ 'devices -l': { out: 'List of devices attached\nR58M123ABC             unauthorized usb:1-1 transport_id:3\n\n' } });
    const r = await run([], l.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      "FAIL device: R58M123ABC is unauthorized: the device has not accepted this computer's adb key\n" +
      '     fix: adb kill-server && adb devices -l   # then accept "Allow USB debugging?" on the device\n',
    );
  });

  it('a hung adb server: doctor stops waiting at --timeout and says so, exit 2', async () => {
    const l = layout({ 'devices -l': { raw: 'echo "* daemon not running; starting now at tcp:5037"; /bin/sleep 30' } });
    const t0 = Date.now();
    const r = await run(['--timeout', '1'], l.env);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('FAIL device: adb server not reachable: adb devices -l did not answer within 1 s\n     fix: adb kill-server && adb start-server\n');
  });

  it('ANDROID_SDK_ROOT without platform-tools and adb only on PATH: adb fails, naming both', async () => {
    const l = layout(device(GOOGLE_APIS, 'uid=0(root)'));
    const emptySdk = path.join(l.dir, 'empty-sdk');
    mkdirSync(emptySdk);
    script(path.join(l.dir, 'bin/adb'), { version: { out: 'Android Debug Bridge version 1.0.41\n' }, ...device(GOOGLE_APIS, 'uid=0(root)') });
    const r = await run([], { ...l.env, ANDROID_HOME: undefined, ANDROID_SDK_ROOT: emptySdk });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      `OK   Android SDK: ANDROID_SDK_ROOT=${emptySdk}\n` +
      `FAIL adb: not found in ANDROID_SDK_ROOT=${emptySdk} (platform-tools/adb); the one on PATH (${l.dir}/bin/adb) is not the one UiAutomator2 uses\n` +
      '     fix: sdkmanager "platform-tools"\n' +
      '     fix: export PATH="$ANDROID_HOME/platform-tools:$PATH"\n' +
      `OK   device: ${S} (sdk_gphone64_x86_64) online\n`,
    );
    expect(r.stdout.endsWith('\nnot ready: a dynamic run cannot start (adb failed)\n')).toBe(true);
  });

  it('--json: the same checks for CI', async () => {
    const l = layout(device(GOOGLE_APIS, 'uid=0(root)'));
    const r = await run(['--json'], l.env);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { ready: boolean; exitCode: number; checks: { id: string; status: string; required: boolean; detail: string }[] };
    expect([j.ready, j.exitCode]).toEqual([true, 0]);
    expect(j.checks.map((c) => c.id)).toEqual(['node', 'android-sdk', 'adb', 'device', 'boot', 'root', 'appium', 'java', 'kvm', 'emulator']);
    expect(j.checks.find((c) => c.id === 'appium')?.detail).toBe(`appium ${APPIUM_VERSION}, uiautomator2 driver ${UA2_VERSION} (${path.join(ROOT, 'node_modules/appium-uiautomator2-driver')})`);
  });

  it('bad --timeout: one line on stderr, exit 2', async () => {
    const r = await run(['--timeout', 'soon'], { PATH: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('sessionscope: --timeout soon: expected seconds between 0 and 600\n');
  });
});

describe('sessionscope doctor on this machine as it is, minus adb', () => {
  it('no adb: exit 2 and the adb line names the fix; Appium and its UiAutomator2 driver are found for real', async () => {
    // On this machine there is no adb at all; removing PATH entries that hold one makes the test mean the same elsewhere.
    const env = { ...process.env };
    for (const k of ['ANDROID_HOME', 'ANDROID_SDK_ROOT', 'ANDROID_SERIAL', 'APPIUM_HOME']) delete env[k];
    env.PATH = (env.PATH ?? '').split(path.delimiter).filter((d) => d && !existsSync(path.join(d, 'adb'))).join(path.delimiter);
    const r = await run([], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'FAIL Android SDK: ANDROID_HOME and ANDROID_SDK_ROOT are unset; UiAutomator2 (appium-adb) will not start without one\n' +
      '     fix (Linux): export ANDROID_HOME=$HOME/Android/Sdk\n' +
      '     fix (macOS): export ANDROID_HOME=$HOME/Library/Android/sdk\n' +
      'FAIL adb: not found: ANDROID_HOME and ANDROID_SDK_ROOT are unset and no adb is on PATH\n' +
      '     fix: sdkmanager "platform-tools"\n' +
      '     fix: export PATH="$ANDROID_HOME/platform-tools:$PATH"\n' +
      'SKIP device: needs adb\n',
    );
    expect(lines(r.stdout)).toContain(APPIUM_LINE);
    expect(r.stdout.endsWith('\nnot ready: a dynamic run cannot start (android-sdk failed, adb failed, device skipped, boot skipped)\n')).toBe(true);
  });
});

describe('sessionscope doctor --appium-url', () => {
  let server: AppiumServer | null = null;
  beforeAll(async () => {
    // The project's own Appium, as `sessionscope dynamic` starts it, with only the UiAutomator2 driver loaded.
    server = await startAppiumServer({ useDrivers: ['uiautomator2'], requireDrivers: ['uiautomator2'], allowInsecure: ['uiautomator2:adb_shell'] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('an unreachable port: the Appium line fails in one line, exit 2', async () => {
    const l = layout(device(GOOGLE_APIS, 'uid=0(root)'));
    const port = await freePort();
    const r = await run(['--appium-url', `http://127.0.0.1:${port}`], l.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      `FAIL Appium server: GET http://127.0.0.1:${port}/status: connect ECONNREFUSED 127.0.0.1:${port}\n` +
      `     fix: cd "${ROOT}" && npx appium server --address 127.0.0.1 --port 4723 --allow-insecure=uiautomator2:adb_shell\n` +
      '     fix: sessionscope doctor   # without --appium-url: sessionscope starts its own Appium\n',
    );
    expect(r.stdout.endsWith('\nnot ready: a dynamic run cannot start (appium failed)\n')).toBe(true);
  });

  it('a running Appium server: ready, exit 0', async () => {
    const l = layout(device(GOOGLE_APIS, 'uid=0(root)'));
    const r = await run(['--appium-url', server!.url], l.env);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toContain(`OK   Appium server: ${server!.url} is ready (Appium ${APPIUM_VERSION}); its drivers are not listed over HTTP`);
    expect(server!.drivers).toEqual([`uiautomator2@${UA2_VERSION}`]);
  });
});
