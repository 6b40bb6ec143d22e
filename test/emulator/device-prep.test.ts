/**
 * wait-for-boot.sh and prepare-device.sh against the fake adb (test/helpers/fake-adb/adb), which
 * models one emulator in a state file: the tests assert the exit code, the exact output lines,
 * the device state afterwards and the exact sequence of adb commands. No emulator is involved.
 */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, fakeDevice, prefixed, runScript } from './helpers.js';

const SERIAL = 'emulator-5554';
const A = `adb -s ${SERIAL}`;
const LOCAL = 'com.android.localtransport/.LocalTransport';
const LEGACY_LOCAL = 'android/com.android.internal.backup.LocalTransport';
const GMS = 'com.google.android.gms/.backup.BackupTransportService';
const D2D = 'com.google.android.gms/.backup.migrate.service.D2dTransport';

function boot(polls: number): string[] {
  return [`${A} wait-for-device`, ...Array<string>(polls + 1).fill(`${A} shell getprop sys.boot_completed`), `${A} shell getprop init.svc.bootanim`, `${A} shell pm path android`];
}

/** What prepare-device.sh sends after wait-for-boot, up to `adb root`. */
const BEFORE_ROOT = [
  `${A} shell getprop ro.build.version.release`,
  `${A} shell getprop ro.build.version.sdk`,
  `${A} shell input keyevent 82`,
  `${A} shell wm dismiss-keyguard`,
  `${A} shell settings put global window_animation_scale 0`,
  `${A} shell settings put global transition_animation_scale 0`,
  `${A} shell settings put global animator_duration_scale 0`,
  `${A} root`,
];

function backup(transport: string | null): string[] {
  return [
    `${A} shell bmgr enable true`,
    `${A} shell bmgr enabled`,
    `${A} shell bmgr list transports`,
    ...(transport ? [`${A} shell bmgr transport ${transport}`, `${A} shell bmgr list transports`] : []),
  ];
}

async function prepare(state: Record<string, unknown>) {
  const dev = fakeDevice(state);
  const r = await runScript('prepare-device.sh', [], baseEnv({ ...dev.env, ANDROID_SERIAL: SERIAL }));
  return { dev, r };
}

// Every test has its own fake device, so they run side by side (each adb call is a node start).
describe.concurrent('wait-for-boot.sh', () => {
  it('boots after 3 polls: ready, exit 0, one line', async () => {
    const dev = fakeDevice({ bootAfterPolls: 3 });
    const r = await runScript('wait-for-boot.sh', ['30'], baseEnv({ ...dev.env, ANDROID_SERIAL: SERIAL }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sessionscope-emulator: wait-for-boot: device 'emulator-5554' booted \(\d+ s\)\n$/);
    expect(dev.commands()).toEqual(boot(3));
  });

  it('without ANDROID_SERIAL it asks adb for the only device', async () => {
    const dev = fakeDevice({ bootAfterPolls: 0 });
    const r = await runScript('wait-for-boot.sh', [], baseEnv(dev.env));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sessionscope-emulator: wait-for-boot: device booted \(\d+ s\)\n$/);
    expect(dev.commands()).toEqual(['adb wait-for-device', 'adb shell getprop sys.boot_completed', 'adb shell getprop init.svc.bootanim', 'adb shell pm path android']);
  });

  it('waits for the boot animation to stop and the package manager to answer, not only sys.boot_completed', async () => {
    // boot_completed is 1 from the start, but the package service answers only once booted:
    // a device with no boot animation property at all is fine too.
    const dev = fakeDevice({ bootAfterPolls: 0, bootanim: false });
    const r = await runScript('wait-for-boot.sh', ['30'], baseEnv({ ...dev.env, ANDROID_SERIAL: SERIAL }));
    expect(r.code).toBe(0);
    expect(dev.commands()).toEqual(boot(0));
  });

  it('never boots: exit 2 within the timeout, one line naming what it saw', async () => {
    const dev = fakeDevice({ bootAfterPolls: -1 });
    const r = await runScript('wait-for-boot.sh', ['3'], baseEnv({ ...dev.env, ANDROID_SERIAL: SERIAL }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("sessionscope-emulator: wait-for-boot: device 'emulator-5554' did not finish booting within 3 s (sys.boot_completed='', init.svc.bootanim='', package manager not asked)\n");
    // 3 s plus at most one adb call that started before the deadline (a loaded machine is slow)
    expect(r.ms).toBeLessThan(10_000);
    expect(dev.commands()[0]).toBe(`${A} wait-for-device`);
    expect(dev.commands().slice(1).every((c) => c === `${A} shell getprop sys.boot_completed`)).toBe(true);
  });

  it('SESSIONSCOPE_BOOT_TIMEOUT is the default timeout', async () => {
    const dev = fakeDevice({ bootAfterPolls: -1 });
    const r = await runScript('wait-for-boot.sh', [], baseEnv({ ...dev.env, SESSIONSCOPE_BOOT_TIMEOUT: '3' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sessionscope-emulator: wait-for-boot: device did not finish booting within 3 s /);
  });

  it('no device at all: exit 2 after the timeout (adb wait-for-device is bounded)', async () => {
    const dev = fakeDevice({ present: false });
    const r = await runScript('wait-for-boot.sh', ['3'], baseEnv({ ...dev.env, ANDROID_SERIAL: SERIAL }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sessionscope-emulator: wait-for-boot: no device 'emulator-5554' appeared within 3 s (adb wait-for-device)\n");
    expect(r.ms).toBeLessThan(10_000);
    expect(dev.commands()).toEqual([`${A} wait-for-device`]);
  });

  it('a wrong ANDROID_SERIAL: that device never appears', async () => {
    const dev = fakeDevice({});
    const r = await runScript('wait-for-boot.sh', ['3'], baseEnv({ ...dev.env, ANDROID_SERIAL: 'emulator-5580' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sessionscope-emulator: wait-for-boot: no device 'emulator-5580' appeared within 3 s (adb wait-for-device)\n");
    expect(dev.commands()).toEqual(['adb -s emulator-5580 wait-for-device']);
  });

  it.each([['abc'], ['0'], ['-5']])('a bad timeout %s: exit 2, one line, no adb call', async (bad) => {
    const dev = fakeDevice({});
    const r = await runScript('wait-for-boot.sh', [bad], baseEnv(dev.env));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sessionscope-emulator: wait-for-boot: the boot timeout must be a whole number of seconds above 0, not '${bad}'\n`);
    expect(dev.commands()).toEqual([]);
  });

  it('adb missing from PATH: exit 2, one line', async () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'sessionscope-nobin-'));
    symlinkSync(execFileSync('bash', ['-c', 'command -v dirname'], { encoding: 'utf8' }).trim(), path.join(bin, 'dirname'));
    const r = await runScript('wait-for-boot.sh', ['5'], baseEnv({ PATH: bin }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sessionscope-emulator: wait-for-boot: adb is not on PATH (install the Android SDK platform-tools)\n');
  });
});

describe.concurrent('prepare-device.sh', () => {
  it('google_apis: unlocked, animations off, root (adbd restart waited for), local transport selected', async () => {
    const { dev, r } = await prepare({ image: 'google_apis', bootAfterPolls: 2 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(prefixed(r.stdout).slice(1)).toEqual([
      'sessionscope-emulator: device: emulator-5554 (Android 14, API 34)',
      'sessionscope-emulator: screen: unlocked (input keyevent 82, wm dismiss-keyguard)',
      'sessionscope-emulator: animations: off (window, transition and animator scales 0)',
      'sessionscope-emulator: root: yes',
      'sessionscope-emulator: backup manager: enabled',
      `sessionscope-emulator: transport: ${LOCAL}`,
      'sessionscope-emulator: prepare-device: ready',
    ]);
    // adb root restarts adbd: the script waits for the device before its next command.
    expect(dev.commands()).toEqual([...boot(2), ...BEFORE_ROOT, `${A} wait-for-device`, `${A} shell id`, ...backup(LOCAL)]);
    expect(dev.state()).toMatchObject({
      locked: false,
      root: true,
      absent: 0,
      backupEnabled: true,
      currentTransport: LOCAL,
      settings: { global: { window_animation_scale: '0', transition_animation_scale: '0', animator_duration_scale: '0' } },
    });
  });

  it('google_apis_playstore: root no with the reason, a warning, still exit 0 and the rest done', async () => {
    const { dev, r } = await prepare({ image: 'google_apis_playstore' });
    expect(r.code).toBe(0);
    expect(prefixed(r.stdout)).toContain('sessionscope-emulator: root: no (adbd cannot run as root in production builds)');
    expect(r.stderr).toBe(
      "sessionscope-emulator: warning: adb root is not allowed on this image (a Play Store image?): probes that read the app's private files need a debuggable build; use a google_apis, default or *_atd image\n",
    );
    expect(dev.commands()).toEqual([...boot(0), ...BEFORE_ROOT, ...backup(LOCAL)]);
    expect(dev.state()).toMatchObject({ root: false, locked: false, backupEnabled: true, currentTransport: LOCAL });
  });

  it('already root: "adbd is already running as root" is root: yes', async () => {
    const { dev, r } = await prepare({ root: true });
    expect(r.code).toBe(0);
    expect(prefixed(r.stdout)).toContain('sessionscope-emulator: root: yes');
    expect(dev.commands()).toEqual([...boot(0), ...BEFORE_ROOT, `${A} wait-for-device`, `${A} shell id`, ...backup(LOCAL)]);
  });

  it.each([
    ['AOSP name, not current', [GMS, LOCAL, D2D], LOCAL],
    ['older images name it android/...LocalTransport', [LEGACY_LOCAL, GMS], LEGACY_LOCAL],
  ])('local transport, %s: found and selected', async (_label, transports, expected) => {
    const { dev, r } = await prepare({ transports, currentTransport: GMS });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(prefixed(r.stdout)).toContain(`sessionscope-emulator: transport: ${expected}`);
    expect(dev.commands().slice(-5)).toEqual(backup(expected));
    expect(dev.state().currentTransport).toBe(expected);
  });

  it('no local transport: "transport: none", a warning, exit 0, no transport switched', async () => {
    const { dev, r } = await prepare({ transports: [GMS, D2D], currentTransport: GMS });
    expect(r.code).toBe(0);
    expect(prefixed(r.stdout)).toContain('sessionscope-emulator: transport: none: the reinstall probe will say inconclusive');
    expect(r.stderr).toBe("sessionscope-emulator: warning: no local backup transport in 'bmgr list transports'; the reinstall probe cannot restore a backup\n");
    expect(dev.commands().slice(-3)).toEqual(backup(null));
    expect(dev.state().currentTransport).toBe(GMS);
  });

  it('a device that does not boot: prepare-device fails with wait-for-boot\'s line and does nothing else', async () => {
    const dev = fakeDevice({ bootAfterPolls: -1 });
    const r = await runScript('prepare-device.sh', [], baseEnv({ ...dev.env, SESSIONSCOPE_BOOT_TIMEOUT: '3' }));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^sessionscope-emulator: wait-for-boot: device did not finish booting within 3 s /);
    expect(dev.commands().some((c) => / (root|input|settings|bmgr) /.test(`${c} `))).toBe(false);
  });
});
