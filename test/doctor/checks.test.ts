/** Each doctor check against a fake host: every state it can report, with the exact detail and fix. */
import { describe, expect, it } from 'vitest';
import { checkAdb, checkAndroidSdk, sdkRoot } from '../../src/doctor/android-sdk.js';
import { checkAppiumLocal, checkAppiumUrl } from '../../src/doctor/appium.js';
import { checkBoot, checkDevice, checkRoot, parseDevices } from '../../src/doctor/device.js';
import { checkEmulator } from '../../src/doctor/emulator.js';
import { checkJava } from '../../src/doctor/java.js';
import { checkKvm } from '../../src/doctor/kvm.js';
import { APPIUM3_NODE_RANGE, checkNode, satisfies } from '../../src/doctor/node-version.js';
import { fakeHost, ok } from './fake-host.js';

const WDIO_RANGE = '>=18.20.8 <19 || >=20.20.2 <21 || >=22.23.4 <23 || >=24.22.1 <25 || >=26.12.1';
const PACKAGES = { appium: '/pkg/node_modules/appium/package.json', webdriverio: '/pkg/node_modules/webdriverio/package.json' };
const PACKAGE_JSON = {
  '/pkg/node_modules/appium/package.json': { version: '3.8.0', engines: { node: APPIUM3_NODE_RANGE } },
  '/pkg/node_modules/webdriverio/package.json': { version: '9.33.1', engines: { node: WDIO_RANGE } },
};
const ADB_VERSION = 'Android Debug Bridge version 1.0.41\nVersion 35.0.2-12147458\nInstalled as /sdk/platform-tools/adb\n';
const ADB = '/sdk/platform-tools/adb';
const SDK_ENV = { PATH: '/usr/bin', ANDROID_HOME: '/sdk' };
const SDK_FILES = { '/sdk': 'dir', [ADB]: 'exec' } as const;

function props(p: Record<string, string>): string {
  return Object.entries(p).map(([k, v]) => `[${k}]: [${v}]`).join('\n');
}
const GOOGLE_APIS = { 'ro.build.version.sdk': '34', 'ro.build.version.release': '14', 'ro.build.type': 'userdebug', 'ro.build.tags': 'dev-keys', 'ro.product.name': 'sdk_gphone64_x86_64', 'sys.boot_completed': '1' };
const PLAYSTORE = { ...GOOGLE_APIS, 'ro.build.type': 'user', 'ro.build.tags': 'release-keys', 'ro.product.name': 'sdk_gphone64_x86_64_playstore' };

describe('satisfies (engines ranges)', () => {
  it.each([
    ['v20.20.2', APPIUM3_NODE_RANGE, true],
    ['v20.19.0', APPIUM3_NODE_RANGE, true],
    ['v20.18.3', APPIUM3_NODE_RANGE, false],
    ['v21.7.0', APPIUM3_NODE_RANGE, false],
    ['v22.11.0', APPIUM3_NODE_RANGE, false],
    ['v22.12.0', APPIUM3_NODE_RANGE, true],
    ['v25.1.0', APPIUM3_NODE_RANGE, true],
    ['v20.20.1', WDIO_RANGE, false],
    ['v20.20.2', WDIO_RANGE, true],
    ['v18.20.8', WDIO_RANGE, true],
    ['v0.2.9', '^0.2.3', true],
    ['v0.3.0', '^0.2.3', false],
    ['v20.0.0', '~20.0.0', null],
  ])('%s in %s → %s', (v, range, want) => {
    expect(satisfies(v, range)).toBe(want);
  });
});

describe('node check', () => {
  it('ok: names both ranges it read from node_modules', () => {
    const r = checkNode(fakeHost({ packages: PACKAGES, json: PACKAGE_JSON }));
    expect(r).toEqual({
      id: 'node', title: 'Node.js', status: 'ok', required: true, fix: [],
      detail: `v20.20.2 satisfies appium 3.8.0 (${APPIUM3_NODE_RANGE}) and webdriverio 9.33.1 (${WDIO_RANGE})`,
    });
  });
  it('fail: names the range it misses and how to get a good Node', () => {
    const r = checkNode(fakeHost({ nodeVersion: 'v20.20.1', packages: PACKAGES, json: PACKAGE_JSON }));
    expect(r.status).toBe('fail');
    expect(r.detail).toBe(`v20.20.1 is outside webdriverio 9.33.1 (${WDIO_RANGE})`);
    expect(r.fix).toEqual([{ command: 'nvm install 22 && nvm use 22' }]);
  });
  it('without node_modules/appium, judges by Appium 3\'s documented range', () => {
    const r = checkNode(fakeHost({ nodeVersion: 'v18.20.8' }));
    expect(r.status).toBe('fail');
    expect(r.detail).toBe(`v18.20.8 is outside appium 3 (documented range; node_modules/appium not found) (${APPIUM3_NODE_RANGE})`);
  });
  it('warn: a range it cannot read', () => {
    const r = checkNode(fakeHost({ packages: { appium: '/a.json' }, json: { '/a.json': { version: '4.0.0', engines: { node: '~22' } } } }));
    expect(r.status).toBe('warn');
    expect(r.detail).toBe('v20.20.2: cannot read the range of appium 4.0.0 (~22); check it by hand');
  });
});

describe('android-sdk check', () => {
  const linuxMac = [
    { command: 'export ANDROID_HOME=$HOME/Android/Sdk', os: 'linux' },
    { command: 'export ANDROID_HOME=$HOME/Library/Android/sdk', os: 'macos' },
  ];
  it('fail: neither variable set (required when sessionscope starts Appium)', () => {
    const h = fakeHost();
    expect(checkAndroidSdk(h, sdkRoot(h), true)).toEqual({
      id: 'android-sdk', title: 'Android SDK', status: 'fail', required: true, fix: linuxMac,
      detail: 'ANDROID_HOME and ANDROID_SDK_ROOT are unset; UiAutomator2 (appium-adb) will not start without one',
    });
  });
  it('warn and not required with --appium-url (the server\'s environment decides)', () => {
    const h = fakeHost();
    const r = checkAndroidSdk(h, sdkRoot(h), false);
    expect([r.status, r.required]).toEqual(['warn', false]);
  });
  it('fail: the variable names no directory', () => {
    const h = fakeHost({ env: { ANDROID_SDK_ROOT: '/nope' } });
    const r = checkAndroidSdk(h, sdkRoot(h), true);
    expect([r.status, r.detail]).toEqual(['fail', 'ANDROID_SDK_ROOT=/nope is not a directory']);
  });
  it('warn: both set and different; ANDROID_HOME wins as in appium-adb', () => {
    const h = fakeHost({ env: { ANDROID_HOME: '/sdk', ANDROID_SDK_ROOT: '/old-sdk' }, files: { '/sdk': 'dir', '/old-sdk': 'dir' } });
    const sdk = sdkRoot(h);
    expect(sdk).toEqual({ root: '/sdk', from: 'ANDROID_HOME' });
    const r = checkAndroidSdk(h, sdk, true);
    expect(r.status).toBe('warn');
    expect(r.detail).toBe('ANDROID_HOME=/sdk and ANDROID_SDK_ROOT=/old-sdk differ; appium-adb uses ANDROID_HOME');
    expect(r.fix).toEqual([{ command: 'export ANDROID_SDK_ROOT="$ANDROID_HOME"' }]);
  });
  it('ok: both set to the same folder', () => {
    const h = fakeHost({ env: { ANDROID_HOME: '/sdk', ANDROID_SDK_ROOT: '/sdk/' }, files: { '/sdk': 'dir' } });
    const r = checkAndroidSdk(h, sdkRoot(h), true);
    expect([r.status, r.detail]).toEqual(['ok', 'ANDROID_HOME=/sdk (ANDROID_SDK_ROOT agrees)']);
  });
});

describe('adb check', () => {
  const install = [{ command: 'sdkmanager "platform-tools"' }, { command: 'export PATH="$ANDROID_HOME/platform-tools:$PATH"' }];
  it('ok: adb in $ANDROID_HOME/platform-tools, with its version', async () => {
    const h = fakeHost({ env: SDK_ENV, files: SDK_FILES, commands: { [`${ADB} version`]: ok(ADB_VERSION) } });
    const { result, adb } = await checkAdb(h, sdkRoot(h));
    expect(adb).toBe(ADB);
    expect(result).toEqual({ id: 'adb', title: 'adb', status: 'ok', required: true, fix: [], detail: '/sdk/platform-tools/adb: 1.0.41 (35.0.2-12147458)' });
    expect(h.calls.map((c) => [c.line, c.opts.timeoutMs])).toEqual([[`${ADB} version`, 10_000]]);
  });
  it('ok from PATH when no SDK root is set (the SDK check reports that separately)', async () => {
    const h = fakeHost({ env: { PATH: '/opt/bin:/usr/bin' }, files: { '/usr/bin/adb': 'exec' }, commands: { '/usr/bin/adb version': ok(ADB_VERSION) } });
    const r = (await checkAdb(h, sdkRoot(h))).result;
    expect([r.status, r.detail]).toEqual(['ok', '/usr/bin/adb (from PATH): 1.0.41 (35.0.2-12147458)']);
  });
  it('fail: the SDK root has no adb, but PATH does; doctor still uses it for the device checks', async () => {
    const h = fakeHost({ env: SDK_ENV, files: { '/sdk': 'dir', '/usr/bin/adb': 'exec' } });
    const { result, adb } = await checkAdb(h, sdkRoot(h));
    expect(adb).toBe('/usr/bin/adb');
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('not found in ANDROID_HOME=/sdk (platform-tools/adb); the one on PATH (/usr/bin/adb) is not the one UiAutomator2 uses');
    expect(result.fix).toEqual(install);
  });
  it('fail: no adb anywhere', async () => {
    const h = fakeHost();
    const { result, adb } = await checkAdb(h, sdkRoot(h));
    expect(adb).toBe(null);
    expect(result).toEqual({ id: 'adb', title: 'adb', status: 'fail', required: true, fix: install, detail: 'not found: ANDROID_HOME and ANDROID_SDK_ROOT are unset and no adb is on PATH' });
  });
  it('fail: adb version hangs', async () => {
    const h = fakeHost({ env: SDK_ENV, files: SDK_FILES, commands: { [`${ADB} version`]: { code: null, error: 'timeout' } } });
    const r = (await checkAdb(h, sdkRoot(h))).result;
    expect([r.status, r.detail]).toEqual(['fail', '/sdk/platform-tools/adb did not answer within 10 s']);
  });
});

const DEVICES = (lines: string) => ({ [`${ADB} devices -l`]: ok(`List of devices attached\n${lines}\n`) });
const EMU = 'emulator-5554          device product:sdk_gphone64_x86_64 model:sdk_gphone64_x86_64 device:emu64xa transport_id:1';

describe('device check', () => {
  it('parses adb devices -l, including "no permissions"', () => {
    expect(parseDevices(`* daemon started successfully\nList of devices attached\n${EMU}\n0123ABC no permissions (user in plugdev group; are your udev rules wrong?); see [http://developer.android.com/tools/device.html] usb:1-1\n\n`)).toEqual([
      { serial: 'emulator-5554', state: 'device', attrs: { product: 'sdk_gphone64_x86_64', model: 'sdk_gphone64_x86_64', device: 'emu64xa', transport_id: '1' } },
      { serial: '0123ABC', state: 'no permissions', attrs: { 'usb': '1-1' } },
    ]);
    expect(parseDevices('error: cannot connect to daemon')).toBe(null);
  });
  it('skip without adb', async () => {
    const r = (await checkDevice(fakeHost(), null, { udid: null, avds: null })).result;
    expect([r.status, r.detail]).toEqual(['skip', 'needs adb']);
  });
  it('ok: the only device', async () => {
    const { result, serial } = await checkDevice(fakeHost({ commands: DEVICES(EMU) }), ADB, { udid: null, avds: null });
    expect(serial).toBe('emulator-5554');
    expect(result).toEqual({ id: 'device', title: 'device', status: 'ok', required: true, fix: [], detail: 'emulator-5554 (sdk_gphone64_x86_64) online' });
  });
  it('fail: none attached; the fix boots the first AVD the emulator check found', async () => {
    const { result, serial } = await checkDevice(fakeHost({ commands: DEVICES('') }), ADB, { udid: null, avds: ['Pixel_7_API_34'] });
    expect(serial).toBe(null);
    expect([result.status, result.detail]).toEqual(['fail', 'no device or emulator attached']);
    expect(result.fix).toEqual([{ command: 'emulator -avd Pixel_7_API_34 -no-window -no-snapshot -noaudio -no-boot-anim &' }, { command: 'adb wait-for-device' }]);
    const noAvd = (await checkDevice(fakeHost({ commands: DEVICES('') }), ADB, { udid: null, avds: null })).result;
    expect(noAvd.fix[0]).toEqual({ command: 'emulator -avd <name> -no-window -no-snapshot -noaudio -no-boot-anim &' });
  });
  it('fail: unauthorized, explained, with the fix', async () => {
    const r = (await checkDevice(fakeHost({ commands: DEVICES('R58M123ABC unauthorized usb:1-1 transport_id:3') }), ADB, { udid: null, avds: null })).result;
    expect(r.status).toBe('fail');
    expect(r.detail).toBe("R58M123ABC is unauthorized: the device has not accepted this computer's adb key");
    expect(r.fix).toEqual([{ command: 'adb kill-server && adb devices -l   # then accept "Allow USB debugging?" on the device' }]);
  });
  it('fail: offline', async () => {
    const r = (await checkDevice(fakeHost({ commands: DEVICES('emulator-5556 offline transport_id:2') }), ADB, { udid: null, avds: null })).result;
    expect(r.detail).toBe('emulator-5556 is offline: adb sees it but it does not answer (still booting, or adbd hung)');
    expect(r.fix).toEqual([{ command: 'adb reconnect offline' }, { command: 'adb -s emulator-5556 wait-for-device' }]);
  });
  it('fail: --udid names a device that is not attached', async () => {
    const r = (await checkDevice(fakeHost({ commands: DEVICES(EMU) }), ADB, { udid: 'emulator-5580', avds: null })).result;
    expect([r.status, r.detail]).toEqual(['fail', 'emulator-5580 (--udid) is not attached; attached: emulator-5554 (device)']);
  });
  it('ANDROID_SERIAL chooses among several', async () => {
    const h = fakeHost({ env: { ANDROID_SERIAL: 'emulator-5556' }, commands: DEVICES(`${EMU}\nemulator-5556 device model:Pixel_7`) });
    const { result, serial } = await checkDevice(h, ADB, { udid: null, avds: null });
    expect(serial).toBe('emulator-5556');
    expect([result.status, result.detail]).toEqual(['ok', 'emulator-5556 (Pixel_7) online (ANDROID_SERIAL)']);
  });
  it('warn: several online and none chosen', async () => {
    const { result, serial } = await checkDevice(fakeHost({ commands: DEVICES(`${EMU}\nemulator-5556 device model:Pixel_7`) }), ADB, { udid: null, avds: null });
    expect(serial).toBe('emulator-5554');
    expect(result.status).toBe('warn');
    expect(result.detail).toBe('2 devices online; checking emulator-5554 (sdk_gphone64_x86_64), but Appium may pick another; also attached: emulator-5556 (device)');
    expect(result.fix).toEqual([{ command: 'export ANDROID_SERIAL=emulator-5554   # or: sessionscope dynamic --udid emulator-5554' }]);
  });
  it('fail: the adb server does not answer', async () => {
    const r = (await checkDevice(fakeHost({ commands: { [`${ADB} devices -l`]: { code: 1, stderr: 'error: could not install *smartsocket* listener' } } }), ADB, { udid: null, avds: null })).result;
    expect(r.detail).toBe('adb server not reachable: adb devices -l exited with code 1: error: could not install *smartsocket* listener');
    expect(r.fix).toEqual([{ command: 'adb kill-server && adb start-server' }]);
  });
});

describe('boot check', () => {
  it('ok: API level and boot state from one getprop', async () => {
    const h = fakeHost({ commands: { [`${ADB} -s emulator-5554 shell getprop`]: ok(props(GOOGLE_APIS)) } });
    const { result, props: p } = await checkBoot(h, ADB, 'emulator-5554');
    expect(result.detail).toBe('emulator-5554: Android 14, API 34, userdebug dev-keys sdk_gphone64_x86_64, boot completed');
    expect(result.status).toBe('ok');
    expect(p?.['ro.build.version.sdk']).toBe('34');
  });
  it('fail: still booting, with the wait command', async () => {
    const h = fakeHost({ commands: { [`${ADB} -s emulator-5554 shell getprop`]: ok(props({ 'ro.build.version.sdk': '30' })) } });
    const r = (await checkBoot(h, ADB, 'emulator-5554')).result;
    expect(r.detail).toBe('emulator-5554: API 30, boot not completed (sys.boot_completed=unset)');
    expect(r.fix).toEqual([{ command: `adb -s emulator-5554 wait-for-device shell 'while [ "$(getprop sys.boot_completed)" != 1 ]; do sleep 2; done'` }]);
  });
  it('skip without a device', async () => {
    expect((await checkBoot(fakeHost(), ADB, null)).result.status).toBe('skip');
  });
});

describe('root check (advisory)', () => {
  const S = 'emulator-5554';
  it('ok: adbd runs as root; su is not tried', async () => {
    const h = fakeHost({ commands: { [`${ADB} -s ${S} shell id`]: ok('uid=0(root) gid=0(root) groups=0(root) context=u:r:su:s0\n') } });
    const r = await checkRoot(h, ADB, S, GOOGLE_APIS);
    expect(r).toEqual({ id: 'root', title: 'root', status: 'ok', required: false, fix: [], detail: 'adbd runs as root (uid=0(root))' });
    expect(h.calls.map((c) => c.line)).toEqual([`${ADB} -s ${S} shell id`]);
  });
  it('ok: su 0 gives root', async () => {
    const h = fakeHost({ commands: { [`${ADB} -s ${S} shell id`]: ok('uid=2000(shell) gid=2000(shell)\n'), [`${ADB} -s ${S} shell su 0 id`]: ok('uid=0(root) gid=0(root)\n') } });
    expect((await checkRoot(h, ADB, S, GOOGLE_APIS)).detail).toBe('su 0 gives root (adbd runs as uid=2000(shell))');
  });
  it('warn: a Play Store image refuses adb root; the fix is an image without Google Play', async () => {
    const h = fakeHost({ commands: { [`${ADB} -s ${S} shell id`]: ok('uid=2000(shell) gid=2000(shell)\n'), [`${ADB} -s ${S} shell su 0 id`]: { code: 127, stderr: '/system/bin/sh: su: inaccessible or not found\n' } } });
    const r = await checkRoot(h, ADB, S, PLAYSTORE);
    expect(r.status).toBe('warn');
    expect(r.required).toBe(false);
    expect(r.detail).toBe('no root: a Google Play image (ro.build.type=user, ro.build.tags=release-keys, ro.product.name=sdk_gphone64_x86_64_playstore) refuses adb root; files of release builds will read inconclusive; debuggable builds are still read with run-as');
    expect(r.fix).toEqual([
      { command: 'sdkmanager "system-images;android-34;google_apis;x86_64"' },
      { command: 'avdmanager create avd -n sessionscope -k "system-images;android-34;google_apis;x86_64"' },
      { command: 'emulator -avd sessionscope -no-window -no-snapshot -noaudio -no-boot-anim &' },
    ]);
  });
  it('warn: a userdebug image not yet rooted; the fix is adb root', async () => {
    const h = fakeHost({ commands: { [`${ADB} -s ${S} shell id`]: ok('uid=2000(shell) gid=2000(shell)\n'), [`${ADB} -s ${S} shell su 0 id`]: { code: 127 } } });
    const r = await checkRoot(h, ADB, S, GOOGLE_APIS);
    expect(r.detail).toBe('no root yet: adbd runs as uid=2000(shell) and su is unavailable on this userdebug build; files of release builds will read inconclusive; debuggable builds are still read with run-as');
    expect(r.fix).toEqual([{ command: 'adb -s emulator-5554 root   # works only on images without Google Play; run it before Appium starts' }]);
  });
});

describe('appium check (sessionscope\'s own Appium)', () => {
  const list = (drivers: Record<string, unknown>) => ({ '/opt/node/bin/node /pkg/node_modules/appium/index.js driver list --installed --json': ok(JSON.stringify(drivers)) });
  const UA2 = { uiautomator2: { automationName: 'UiAutomator2', version: '8.7.0', pkgName: 'appium-uiautomator2-driver', installPath: '/pkg/node_modules/appium-uiautomator2-driver' } };
  const json = { '/pkg/node_modules/appium/package.json': { version: '3.8.0' } };
  it('ok: asks Appium from the package root, without APPIUM_HOME, which drivers it has', async () => {
    const h = fakeHost({ env: { PATH: '/usr/bin', APPIUM_HOME: '/home/u/.appium' }, packages: PACKAGES, json, commands: list(UA2) });
    const r = await checkAppiumLocal(h);
    expect(r).toEqual({
      id: 'appium', title: 'Appium + UiAutomator2', status: 'ok', required: true, fix: [],
      detail: 'appium 3.8.0, uiautomator2 driver 8.7.0 (/pkg/node_modules/appium-uiautomator2-driver) (APPIUM_HOME=/home/u/.appium is ignored: sessionscope starts Appium without it)',
    });
    const call = h.calls[0]!;
    expect(call.opts.cwd).toBe('/pkg');
    expect(call.opts.env).toEqual({ PATH: '/usr/bin' });
    expect(call.opts.timeoutMs).toBe(30_000);
  });
  it('fail: no UiAutomator2 driver; lists what is installed', async () => {
    const h = fakeHost({ packages: PACKAGES, json, commands: list({ simandroid: { automationName: 'SimAndroid', version: '0.1.0' } }) });
    const r = await checkAppiumLocal(h);
    expect(r.detail).toBe('appium 3.8.0 has no UiAutomator2 driver (installed: simandroid@0.1.0)');
    expect(r.fix).toEqual([{ command: 'cd "/pkg" && npm install' }, { command: 'cd "/pkg" && npx appium driver doctor uiautomator2' }]);
  });
  it('fail: Appium not installed', async () => {
    const h = fakeHost({ appiumCli: new Error("Appium server did not start: the 'appium' package is not installed (cannot resolve appium/package.json from /pkg; run npm install)") });
    const r = await checkAppiumLocal(h);
    expect([r.status, r.detail]).toEqual(['fail', "the 'appium' package is not installed (cannot resolve appium/package.json from /pkg; run npm install)"]);
    expect(r.fix).toEqual([{ command: 'cd "/pkg" && npm install' }]);
  });
  it('fail: Appium prints no JSON', async () => {
    const h = fakeHost({ packages: PACKAGES, json, commands: { '/opt/node/bin/node /pkg/node_modules/appium/index.js driver list --installed --json': ok('oops') } });
    expect((await checkAppiumLocal(h)).detail).toBe('appium 3.8.0: appium driver list printed no JSON');
  });
});

describe('appium check (--appium-url)', () => {
  const reply = (body: unknown, httpStatus = 200) => () => ({ ok: httpStatus < 300, httpStatus, body });
  it('ok: ready, with the version it reports', async () => {
    const h = fakeHost({ status: reply({ value: { ready: true, message: 'The server is ready to accept new connections', build: { version: '3.8.0' } } }) });
    const r = await checkAppiumUrl(h, 'http://127.0.0.1:4723/');
    expect([r.status, r.detail]).toEqual(['ok', 'http://127.0.0.1:4723 is ready (Appium 3.8.0); its drivers are not listed over HTTP']);
  });
  it('fail: unreachable, not ready, not Appium, not a URL', async () => {
    expect((await checkAppiumUrl(fakeHost(), 'http://127.0.0.1:4723')).detail).toBe('GET http://127.0.0.1:4723/status: connect ECONNREFUSED');
    expect((await checkAppiumUrl(fakeHost({ status: reply({ value: { ready: false, message: 'shutting down' } }) }), 'http://h:1')).detail).toBe('http://h:1 is not ready (shutting down)');
    expect((await checkAppiumUrl(fakeHost({ status: reply(null, 404) }), 'http://h:1')).detail).toBe('GET http://h:1/status answered HTTP 404 without an Appium status');
    expect((await checkAppiumUrl(fakeHost(), 'localhost:4723')).detail).toBe('--appium-url localhost:4723 is not an http(s) URL');
    const r = await checkAppiumUrl(fakeHost(), 'not a url');
    expect(r.detail).toBe('--appium-url not a url is not a URL');
    expect(r.fix).toEqual([
      { command: 'cd "/pkg" && npx appium server --address 127.0.0.1 --port 4723 --allow-insecure=uiautomator2:adb_shell' },
      { command: 'sessionscope doctor   # without --appium-url: sessionscope starts its own Appium' },
    ]);
  });
});

describe('java check (advisory)', () => {
  const JAVA = { code: 0, stdout: '', stderr: 'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment\n' };
  it('ok: $JAVA_HOME/bin/java', async () => {
    const h = fakeHost({ env: { JAVA_HOME: '/jdk' }, files: { '/jdk/bin/java': 'exec' }, commands: { '/jdk/bin/java -version': JAVA } });
    const r = await checkJava(h);
    expect(r).toEqual({ id: 'java', title: 'Java', status: 'ok', required: false, fix: [], detail: '17.0.15 at /jdk/bin/java (JAVA_HOME=/jdk)' });
  });
  it('warn: java on PATH but JAVA_HOME unset', async () => {
    const h = fakeHost({ files: { '/usr/bin/java': 'exec' }, commands: { '/usr/bin/java -version': JAVA } });
    const r = await checkJava(h);
    expect(r.detail).toBe("17.0.15 at /usr/bin/java, but JAVA_HOME is unset; UiAutomator2's doctor requires it");
    expect(r.fix).toEqual([
      { command: 'export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"', os: 'linux' },
      { command: 'export JAVA_HOME="$(/usr/libexec/java_home)"', os: 'macos' },
    ]);
  });
  it('warn: no java at all', async () => {
    const r = await checkJava(fakeHost({ env: { JAVA_HOME: '/gone', PATH: '/usr/bin' } }));
    expect(r.status).toBe('warn');
    expect(r.detail).toBe('not found (JAVA_HOME=/gone has no bin/java, no java on PATH); UiAutomator2 needs it for apksigner');
    expect(r.fix.slice(0, 2)).toEqual([{ command: 'sudo apt-get install -y openjdk-17-jdk-headless', os: 'linux' }, { command: 'brew install --cask temurin@17', os: 'macos' }]);
  });
});

describe('kvm check (advisory)', () => {
  it('ok, absent, not writable, and skipped off Linux', () => {
    expect(checkKvm(fakeHost({ files: { '/dev/kvm': 'device-rw' } })).detail).toBe('/dev/kvm is readable and writable');
    const absent = checkKvm(fakeHost());
    expect([absent.status, absent.detail]).toEqual(['warn', 'no /dev/kvm: the emulator will be very slow or will not start; a connected device does not need it']);
    const denied = checkKvm(fakeHost({ files: { '/dev/kvm': 'device' } }));
    expect(denied.detail).toBe('/dev/kvm is not readable and writable by this user: the emulator will be very slow or will not start; a connected device does not need it');
    expect(denied.fix.map((f) => f.command)).toEqual([
      'sudo usermod -aG kvm $USER   # then log out and in',
      `echo 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"' | sudo tee /etc/udev/rules.d/99-kvm4all.rules && sudo udevadm control --reload-rules && sudo udevadm trigger --name-match=kvm   # CI runners`,
    ]);
    const mac = checkKvm(fakeHost({ platform: 'darwin' }));
    expect([mac.status, mac.detail]).toEqual(['skip', 'macOS: the emulator uses Hypervisor.framework, not /dev/kvm']);
  });
});

describe('emulator check (advisory)', () => {
  const EMULATOR = '/sdk/emulator/emulator';
  it('ok: lists AVDs, ignoring log lines', async () => {
    const h = fakeHost({ env: SDK_ENV, files: { ...SDK_FILES, [EMULATOR]: 'exec' }, commands: { [`${EMULATOR} -list-avds`]: ok('INFO    | Storing crashdata in: /tmp/android-u/emu-crash.db\nPixel_7_API_34\nci-test\n') } });
    const { result, avds } = await checkEmulator(h, sdkRoot(h));
    expect(avds).toEqual(['Pixel_7_API_34', 'ci-test']);
    expect([result.status, result.detail]).toEqual(['ok', '/sdk/emulator/emulator: AVDs Pixel_7_API_34, ci-test']);
  });
  it('warn: no AVDs, with the commands that create one', async () => {
    const h = fakeHost({ env: SDK_ENV, files: { ...SDK_FILES, [EMULATOR]: 'exec' }, commands: { [`${EMULATOR} -list-avds`]: ok('') } });
    const r = (await checkEmulator(h, sdkRoot(h))).result;
    expect(r.detail).toBe('/sdk/emulator/emulator: no AVDs');
    expect(r.fix).toEqual([{ command: 'sdkmanager "system-images;android-34;google_apis;x86_64"' }, { command: 'avdmanager create avd -n sessionscope -k "system-images;android-34;google_apis;x86_64"' }]);
  });
  it('warn: not installed', async () => {
    const r = (await checkEmulator(fakeHost(), { root: null, from: null })).result;
    expect([r.status, r.detail, r.required]).toEqual(['warn', 'not found (needed only to boot an emulator)', false]);
    expect(r.fix).toEqual([{ command: 'sdkmanager "emulator"' }]);
  });
});
