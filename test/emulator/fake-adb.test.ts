/**
 * The fake adb itself (test/helpers/fake-adb/adb): the device-level behaviour the script tests
 * rely on, checked directly, so that a script test failing means the script, not the fake.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_ADB_DIR, fakeDevice } from './helpers.js';

const ADB = path.join(FAKE_ADB_DIR, 'adb');

function adb(dev: { stateFile: string }, args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(ADB, args, { env: { PATH: process.env.PATH, FAKE_ADB_STATE: dev.stateFile, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.concurrent('fake adb', () => {
  it('devices, -s and ANDROID_SERIAL: a wrong serial is "device not found", no device is "no devices/emulators found"', () => {
    const dev = fakeDevice({});
    expect(adb(dev, ['devices'])).toEqual({ code: 0, stdout: 'List of devices attached\nemulator-5554\tdevice\n\n', stderr: '' });
    expect(adb(dev, ['-s', 'emulator-5554', 'shell', 'getprop', 'ro.build.version.sdk'])).toEqual({ code: 0, stdout: '34\n', stderr: '' });
    expect(adb(dev, ['-s', 'emulator-5556', 'shell', 'id'])).toEqual({ code: 1, stdout: '', stderr: "adb: device 'emulator-5556' not found\n" });
    expect(adb(dev, ['shell', 'id'], { ANDROID_SERIAL: 'emulator-5558' })).toEqual({ code: 1, stdout: '', stderr: "adb: device 'emulator-5558' not found\n" });
    const none = fakeDevice({ present: false });
    expect(adb(none, ['devices']).stdout).toBe('List of devices attached\n\n');
    expect(adb(none, ['shell', 'id'])).toEqual({ code: 1, stdout: '', stderr: 'adb: no devices/emulators found\n' });
    expect(dev.commands()).toEqual(['adb devices', 'adb -s emulator-5554 shell getprop ro.build.version.sdk', 'adb -s emulator-5556 shell id', 'adb shell id']);
  });

  it('google_apis: adb root restarts adbd (device gone until wait-for-device), then id is root', () => {
    const dev = fakeDevice({ image: 'google_apis' });
    expect(adb(dev, ['shell', 'id']).stdout).toMatch(/^uid=2000\(shell\) /);
    expect(adb(dev, ['root'])).toEqual({ code: 0, stdout: 'restarting adbd as root\n', stderr: '' });
    expect(adb(dev, ['shell', 'id'])).toEqual({ code: 1, stdout: '', stderr: 'adb: no devices/emulators found\n' });
    expect(adb(dev, ['wait-for-device']).code).toBe(0);
    expect(adb(dev, ['shell', 'id']).stdout).toMatch(/^uid=0\(root\) gid=0\(root\) /);
    expect(adb(dev, ['root']).stdout).toBe('adbd is already running as root\n');
  });

  it('google_apis_playstore: adb root is refused (exit 0, as adb does), id stays shell', () => {
    const dev = fakeDevice({ image: 'google_apis_playstore' });
    expect(adb(dev, ['root'])).toEqual({ code: 0, stdout: 'adbd cannot run as root in production builds\n', stderr: '' });
    expect(adb(dev, ['shell', 'id']).stdout).toMatch(/^uid=2000\(shell\) /);
  });

  it('bmgr: enabled flag, transports with the current one starred, switching', () => {
    const dev = fakeDevice({});
    expect(adb(dev, ['shell', 'bmgr', 'enabled']).stdout).toBe('Backup Manager currently disabled\n');
    expect(adb(dev, ['shell', 'bmgr', 'enable', 'true']).stdout).toBe('Backup Manager now enabled\n');
    expect(adb(dev, ['shell', 'bmgr', 'list', 'transports']).stdout).toBe(
      '    com.android.localtransport/.LocalTransport\n  * com.google.android.gms/.backup.BackupTransportService\n',
    );
    expect(adb(dev, ['shell', 'bmgr', 'transport', 'com.android.localtransport/.LocalTransport']).stdout).toBe(
      'Selected transport com.android.localtransport/.LocalTransport (formerly com.google.android.gms/.backup.BackupTransportService)\n',
    );
    expect(adb(dev, ['shell', 'bmgr', 'transport', 'nope']).stdout).toBe("Unknown transport 'nope' specified; no changes made.\n");
    expect(dev.state()).toMatchObject({ backupEnabled: true, currentTransport: 'com.android.localtransport/.LocalTransport' });
  });

  it('boot: sys.boot_completed is empty for bootAfterPolls polls, then 1; the boot animation stops with it', () => {
    const dev = fakeDevice({ bootAfterPolls: 2 });
    const poll = (): string => adb(dev, ['shell', 'getprop', 'sys.boot_completed']).stdout;
    expect(adb(dev, ['shell', 'getprop', 'init.svc.bootanim']).stdout).toBe('running\n');
    expect([poll(), poll(), poll()]).toEqual(['\n', '\n', '1\n']);
    expect(adb(dev, ['shell', 'getprop', 'init.svc.bootanim']).stdout).toBe('stopped\n');
    expect(adb(dev, ['shell', 'pm', 'path', 'android']).stdout).toBe('package:/system/framework/framework-res.apk\n');
  });

  it('logcat prints and runs until killed', async () => {
    const dev = fakeDevice({});
    const child = spawn(ADB, ['logcat'], { env: { PATH: process.env.PATH, FAKE_ADB_STATE: dev.stateFile } });
    let text = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => ((text += b.toString()), text.includes('fake adb logcat') && resolve())));
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(text).toBe('--------- beginning of main\n11-22 10:00:00.000  1234  1234 I ActivityManager: fake adb logcat for emulator-5554\n');
  });
});
