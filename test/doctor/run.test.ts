/**
 * The doctor as a whole against a fake host (which checks are required, the exit code, the order
 * the checks are shown in, the rendered text and JSON), and the real command runner's limits:
 * a missing binary is a finding, a hung command is killed with everything it started.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/doctor/host.js';
import { renderDoctorJson, renderDoctorText } from '../../src/doctor/render.js';
import { runDoctor } from '../../src/doctor/run.js';
import { APPIUM3_NODE_RANGE } from '../../src/doctor/node-version.js';
import { fakeHost, ok, type FakeHostOptions } from './fake-host.js';

const ADB = '/sdk/platform-tools/adb';
const S = 'emulator-5554';
const NODE_LIST = '/opt/node/bin/node /pkg/node_modules/appium/index.js driver list --installed --json';

function machine(over: Partial<FakeHostOptions> = {}, commands: FakeHostOptions['commands'] = {}): FakeHostOptions {
  return {
    env: { PATH: '/usr/bin', ANDROID_HOME: '/sdk', JAVA_HOME: '/jdk' },
    files: { '/sdk': 'dir', [ADB]: 'exec', '/sdk/emulator/emulator': 'exec', '/jdk/bin/java': 'exec', '/dev/kvm': 'device-rw' },
    packages: { appium: '/pkg/node_modules/appium/package.json' },
    json: { '/pkg/node_modules/appium/package.json': { version: '3.8.0', engines: { node: APPIUM3_NODE_RANGE } } },
    ...over,
    commands: {
      [`${ADB} version`]: ok('Android Debug Bridge version 1.0.41\nVersion 35.0.2-12147458\n'),
      [`${ADB} devices -l`]: ok(`List of devices attached\n${S} device product:sdk_gphone64_x86_64 model:sdk_gphone64_x86_64 transport_id:1\n`),
      [`${ADB} -s ${S} shell getprop`]: ok('[ro.build.version.sdk]: [34]\n[ro.build.type]: [user]\n[ro.build.tags]: [release-keys]\n[ro.product.name]: [sdk_gphone64_x86_64_playstore]\n[sys.boot_completed]: [1]\n'),
      [`${ADB} -s ${S} shell id`]: ok('uid=2000(shell) gid=2000(shell)\n'),
      [`${ADB} -s ${S} shell su 0 id`]: { code: 127 },
      [NODE_LIST]: ok(JSON.stringify({ uiautomator2: { automationName: 'UiAutomator2', version: '8.7.0', installPath: '/pkg/node_modules/appium-uiautomator2-driver' } })),
      '/jdk/bin/java -version': { code: 0, stderr: 'openjdk version "17.0.15" 2025-04-15\n' },
      '/sdk/emulator/emulator -list-avds': ok('Pixel_7_API_34\n'),
      ...commands,
    },
  };
}

describe('runDoctor', () => {
  it('ready (exit 0) with a booted Play Store emulator: root is only a warning', async () => {
    const r = await runDoctor(fakeHost(machine()), { udid: null, appiumUrl: null });
    expect(r.checks.map((c) => `${c.id}:${c.status}:${c.required}`)).toEqual([
      'node:ok:true', 'android-sdk:ok:true', 'adb:ok:true', 'device:ok:true', 'boot:ok:true', 'root:warn:false',
      'appium:ok:true', 'java:ok:false', 'kvm:ok:false', 'emulator:ok:false',
    ]);
    expect([r.ready, r.exitCode]).toEqual([true, 0]);
  });

  it('not ready (exit 2) without a device: boot and root are skipped, the fix boots the AVD found', async () => {
    const r = await runDoctor(fakeHost(machine({}, { [`${ADB} devices -l`]: ok('List of devices attached\n\n') })), { udid: null, appiumUrl: null });
    expect([r.ready, r.exitCode]).toEqual([false, 2]);
    expect(r.checks.filter((c) => c.status !== 'ok').map((c) => `${c.id}:${c.status}`)).toEqual(['device:fail', 'boot:skip', 'root:skip']);
    const text = renderDoctorText(r, { color: false });
    expect(text).toContain('FAIL device: no device or emulator attached\n     fix: emulator -avd Pixel_7_API_34 -no-window -no-snapshot -noaudio -no-boot-anim &\n     fix: adb wait-for-device\nSKIP boot: needs a device online\n');
    expect(text.endsWith('\nnot ready: a dynamic run cannot start (device failed, boot skipped)\n')).toBe(true);
  });

  it('advisory failures alone (no Java, no KVM, no emulator) still exit 0', async () => {
    const files = { '/sdk': 'dir', [ADB]: 'exec' } as const;
    const r = await runDoctor(fakeHost(machine({ env: { PATH: '/usr/bin', ANDROID_HOME: '/sdk' }, files })), { udid: null, appiumUrl: null });
    expect(r.checks.filter((c) => c.status === 'warn').map((c) => c.id)).toEqual(['root', 'java', 'kvm', 'emulator']);
    expect(r.exitCode).toBe(0);
    expect(renderDoctorText(r, { color: false }).endsWith('\nready: a dynamic run can start (4 warnings)\n')).toBe(true);
  });

  it('with --appium-url the server decides: ANDROID_HOME unset is a warning, a dead server fails', async () => {
    const host = fakeHost(machine({ env: { PATH: '/usr/bin' }, files: { '/usr/bin/adb': 'exec' } }, {
      '/usr/bin/adb version': ok('Android Debug Bridge version 1.0.41\n'),
      '/usr/bin/adb devices -l': ok(`List of devices attached\n${S} device\n`),
      [`/usr/bin/adb -s ${S} shell getprop`]: ok('[sys.boot_completed]: [1]\n'),
      [`/usr/bin/adb -s ${S} shell id`]: ok('uid=0(root)\n'),
    }));
    const r = await runDoctor(host, { udid: null, appiumUrl: 'http://127.0.0.1:4723' });
    expect(r.checks.find((c) => c.id === 'android-sdk')).toMatchObject({ status: 'warn', required: false });
    expect(r.checks.find((c) => c.id === 'appium')).toMatchObject({ status: 'fail', detail: 'GET http://127.0.0.1:4723/status: connect ECONNREFUSED' });
    expect(host.calls.some((c) => c.line.includes('driver list'))).toBe(false);
    expect(r.exitCode).toBe(2);
  });
});

describe('renderers', () => {
  const result = { ready: false, exitCode: 2 as const, checks: [
    { id: 'node', title: 'Node.js', status: 'ok' as const, detail: 'v20.20.2 fine', fix: [], required: true },
    { id: 'android-sdk', title: 'Android SDK', status: 'fail' as const, detail: 'unset', fix: [{ command: 'export ANDROID_HOME=$HOME/Android/Sdk', os: 'linux' as const }, { command: 'export ANDROID_HOME=$HOME/Library/Android/sdk', os: 'macos' as const }], required: true },
    { id: 'kvm', title: 'KVM', status: 'warn' as const, detail: 'no /dev/kvm', fix: [{ command: 'sudo modprobe kvm_intel' }], required: false },
  ] };
  it('text without colour: ASCII status words, fixes under the line, the verdict', () => {
    expect(renderDoctorText(result, { color: false })).toBe(
      'OK   Node.js: v20.20.2 fine\n' +
      'FAIL Android SDK: unset\n' +
      '     fix (Linux): export ANDROID_HOME=$HOME/Android/Sdk\n' +
      '     fix (macOS): export ANDROID_HOME=$HOME/Library/Android/sdk\n' +
      'WARN KVM: no /dev/kvm\n' +
      '     fix: sudo modprobe kvm_intel\n' +
      '\n' +
      'not ready: a dynamic run cannot start (android-sdk failed)\n',
    );
  });
  it('text with colour: ✓ ! ✗ in ANSI colours', () => {
    const t = renderDoctorText(result, { color: true });
    expect(t).toContain('\x1b[32m✓\x1b[39m \x1b[1mNode.js\x1b[22m: v20.20.2 fine');
    expect(t).toContain('\x1b[31m✗\x1b[39m \x1b[1mAndroid SDK\x1b[22m: unset');
    expect(t).toContain('\x1b[33m!\x1b[39m \x1b[1mKVM\x1b[22m: no /dev/kvm');
  });
  it('JSON: the checks as they are, with the verdict', () => {
    expect(JSON.parse(renderDoctorJson(result, { name: 'sessionscope', version: '0.1.0' }))).toEqual({ schemaVersion: 1, tool: { name: 'sessionscope', version: '0.1.0' }, ...result });
  });
});

describe('runCommand (the real runner)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-doctor-run-'));
  it('a missing binary is a finding, not a crash', async () => {
    expect(await runCommand(path.join(dir, 'no-such-adb'), ['version'], { timeoutMs: 2000 })).toEqual({ code: null, stdout: '', stderr: '', error: 'missing' });
  });
  it('runs without a shell: arguments are passed as they are', async () => {
    const r = await runCommand('/bin/echo', ['$HOME', '; id'], { timeoutMs: 2000 });
    expect(r).toEqual({ code: 0, stdout: '$HOME ; id\n', stderr: '' });
  });
  it('a hung command and the child it started are killed at the time limit', async () => {
    const script = path.join(dir, 'hang.sh');
    writeFileSync(script, '#!/bin/bash\necho started\n/bin/sleep 30\n', { mode: 0o755 });
    const t0 = Date.now();
    const r = await runCommand(script, [], { timeoutMs: 500 });
    expect(r.error).toBe('timeout');
    expect(r.stdout).toBe('started\n');
    expect(Date.now() - t0).toBeLessThan(3000);
  });
  it('a file that cannot be executed says why', async () => {
    const f = path.join(dir, 'not-exec');
    writeFileSync(f, 'x', { mode: 0o644 });
    const r = await runCommand(f, [], { timeoutMs: 2000 });
    expect(r.error).toBe('failed');
    expect(r.message).toMatch(/^EACCES /);
  });
});
