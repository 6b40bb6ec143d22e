/**
 * emulator/run-dynamic.sh end to end against the SIMULATED device: the fake adb on PATH (device
 * preparation and logcat run against it), the project's real Appium started by appium.sh with the
 * simulated driver allowed adb_shell, the real CLI (`sessionscope dynamic`, then `report` for
 * SARIF and HTML) with the shipped example flow (examples/insecure-invoice.flow.yml, default
 * timeouts, which leave room on a loaded machine). Every report here is a simulation (dynamic.simulated: true), not an emulator
 * result.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dynamic/appium-server.js';
import type { DynamicRun } from '../../dynamic/report.js';
import type { Report } from '../../src/report/types.js';
import { CREDS } from '../dynamic/e2e-helpers.js';
import { APKS, ensureDriverBuilt, ROOT } from '../sim-driver/helpers.js';
import { alive, baseEnv, fakeDevice, prefixed, runScript, type FakeDevice, type ScriptRun } from './helpers.js';

const SERIAL = 'emulator-5554';
const T = 150_000;

interface Stage {
  r: ScriptRun;
  out: string;
  dev: FakeDevice;
  appiumPid: number | null;
}

async function stage(label: string, extra: Record<string, string>): Promise<Stage> {
  const dir = mkdtempSync(path.join(tmpdir(), `sessionscope-run-dynamic-${label}-`));
  const dev = fakeDevice({ bootAfterPolls: 1 });
  const out = path.join(dir, 'out');
  const env = baseEnv({
    ...dev.env,
    ...CREDS,
    ANDROID_SERIAL: SERIAL,
    SESSIONSCOPE_APK: APKS.insecure,
    SESSIONSCOPE_FLOW: path.join(ROOT, 'examples/insecure-invoice.flow.yml'),
    SESSIONSCOPE_OUT: out,
    SESSIONSCOPE_APPIUM_PORT: String(await freePort()),
    SESSIONSCOPE_APPIUM_ALLOW_INSECURE: 'simandroid:adb_shell',
    SESSIONSCOPE_CAPABILITIES: 'appium:automationName=SimAndroid\n  # a comment line\n\n',
    ...extra,
  });
  const r = await runScript('run-dynamic.sh', [], env, dir);
  const m = /appium: ready at \S+ \(pid (\d+),/.exec(r.stdout);
  if (m) started.push(Number(m[1]));
  return { r, out, dev, appiumPid: m ? Number(m[1]) : null };
}

function filesUnder(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** No credential in any file the run wrote, nor in its stdout/stderr. */
function expectNoCredentials(s: Stage): void {
  for (const f of filesUnder(s.out)) {
    expect(f).not.toContain('alice');
    const text = readFileSync(f).toString('latin1');
    expect(text, f).not.toContain(CREDS.SESSIONSCOPE_PASSWORD);
    if (!f.endsWith('.png')) expect(text, f).not.toContain(CREDS.SESSIONSCOPE_USER);
  }
  for (const text of [s.r.stdout, s.r.stderr]) {
    expect(text).not.toContain(CREDS.SESSIONSCOPE_PASSWORD);
    expect(text).not.toContain(CREDS.SESSIONSCOPE_USER);
  }
}

function expectAppiumStopped(s: Stage): void {
  expect(s.appiumPid).not.toBeNull();
  expect(alive(s.appiumPid!)).toBe(false);
  expect(existsSync(path.join(s.out, 'appium.pid'))).toBe(false);
  expect(prefixed(s.r.stdout)).toContain(`sessionscope-emulator: appium: stopped (pid ${s.appiumPid})`);
}

const started: number[] = [];

beforeAll(() => ensureDriverBuilt());

// Should a run fail to stop its Appium, the test says so; this only keeps it from lingering.
afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

// Independent runs (own fake device, port, Appium and out dir), so they run side by side.
describe.concurrent('run-dynamic.sh on the simulated device', () => {
  it('findings, no SESSIONSCOPE_DEFER_EXIT: exit 1, the simulated report with its verdicts, SARIF and HTML rendered, Appium and logcat stopped, no credential anywhere', async () => {
    const s = await stage('findings', {});
    expect(s.r.code, s.r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(path.join(s.out, 'dynamic/report.json'), 'utf8')) as Report;
    const run = report.results[0]!.dynamic as DynamicRun;
    expect(run.simulated).toBe(true);
    expect(run.device.udid).toBe(SERIAL); // ANDROID_SERIAL went to --udid
    expect(run.appium).toMatchObject({ startedByUs: false });
    expect(Object.fromEntries(run.probes.map((p) => [p.name, p.verdict]))).toEqual({
      baseline: 'pass', login: 'fail', logout: 'fail', relaunch: 'fail', 'back-navigation': 'fail',
      rotation: 'pass', reinstall: 'fail', 'token-lifetime': 'fail', revocation: 'inconclusive',
    });
    // --format markdown printed and written; `report` rendered SARIF and HTML from report.json
    expect(s.r.stdout).toContain('| logout | fail |');
    expect(readFileSync(path.join(s.out, 'dynamic/report.md'), 'utf8')).toContain('| logout | fail |');
    const sarif = JSON.parse(readFileSync(path.join(s.out, 'dynamic/report.sarif'), 'utf8')) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toContain('logout-leaves-session');
    expect(readFileSync(path.join(s.out, 'dynamic/report.html'), 'utf8')).toMatch(/Simulated device/);
    expect(prefixed(s.r.stdout)).toContain(`sessionscope-emulator: run-dynamic: wrote ${path.join(s.out, 'dynamic/report.sarif')} and ${path.join(s.out, 'dynamic/report.html')}`);
    expect(existsSync(path.join(s.out, 'dynamic.exit'))).toBe(false);
    // the device was prepared (root, transport) before logcat and Appium
    const cmds = s.dev.commands();
    const logcat = cmds.indexOf(`adb -s ${SERIAL} logcat`);
    expect(logcat).toBeGreaterThan(cmds.indexOf(`adb -s ${SERIAL} root`));
    expect(logcat).toBeGreaterThan(cmds.indexOf(`adb -s ${SERIAL} shell bmgr transport com.android.localtransport/.LocalTransport`));
    expect(cmds.indexOf(`adb -s ${SERIAL} root`)).toBeGreaterThan(0);
    expect(readFileSync(path.join(s.out, 'logcat.txt'), 'utf8')).toContain(`I ActivityManager: fake adb logcat for ${SERIAL}`);
    expectAppiumStopped(s);
    // typed credentials reached Appium (setValue) and were masked in its log afterwards
    expect(readFileSync(path.join(s.out, 'appium.log'), 'utf8')).toMatch(/setValue\(\) with args: \["\[masked\]"/);
    expectNoCredentials(s);
  }, T);

  it('SESSIONSCOPE_DEFER_EXIT=1: exit 0, dynamic.exit holds 1; device prep skipped; the SARIF category passed on', async () => {
    const s = await stage('defer', { SESSIONSCOPE_DEFER_EXIT: '1', SESSIONSCOPE_SKIP_DEVICE_PREP: '1', SESSIONSCOPE_SARIF_CATEGORY: 'sessionscope-dynamic-test' });
    expect(s.r.code, s.r.stderr).toBe(0);
    expect(readFileSync(path.join(s.out, 'dynamic.exit'), 'utf8')).toBe('1\n');
    expect(prefixed(s.r.stdout)).toContain('sessionscope-emulator: run-dynamic: device preparation skipped (SESSIONSCOPE_SKIP_DEVICE_PREP=1)');
    // No preparation: only logcat, then doctor's read-only look at the device (printed as advice).
    expect(s.dev.commands()).toEqual([`adb -s ${SERIAL} logcat`, 'adb version', 'adb devices -l', `adb -s ${SERIAL} shell getprop`, `adb -s ${SERIAL} shell id`, `adb -s ${SERIAL} shell su 0 id`]);
    expect(s.r.stdout).toMatch(/^OK {3}Appium server: http:\/\/127\.0\.0\.1:\d+ is ready/m);
    const report = JSON.parse(readFileSync(path.join(s.out, 'dynamic/report.json'), 'utf8')) as Report;
    expect((report.results[0]!.dynamic as DynamicRun).simulated).toBe(true);
    expect(readFileSync(path.join(s.out, 'dynamic/report.sarif'), 'utf8')).toContain('sessionscope-dynamic-test');
    expectAppiumStopped(s);
    expectNoCredentials(s);
  }, T);

  it('a missing APK: the CLI exits 2 and so does the script (also with DEFER, dynamic.exit holds 2); Appium is still stopped', async () => {
    const s = await stage('no-apk', { SESSIONSCOPE_APK: 'no-such.apk', SESSIONSCOPE_DEFER_EXIT: '1', SESSIONSCOPE_SKIP_DEVICE_PREP: '1' });
    expect(s.r.code).toBe(2);
    expect(readFileSync(path.join(s.out, 'dynamic.exit'), 'utf8')).toBe('2\n');
    expect(s.r.stderr).toContain('no-such.apk');
    expect(prefixed(s.r.stdout)).toContain(`sessionscope-emulator: run-dynamic: no ${path.join(s.out, 'dynamic/report.json')} to render`);
    expectAppiumStopped(s);
  }, T);

  it('SESSIONSCOPE_APK unset: exit 2 with one line, nothing started', async () => {
    const s = await stage('unset', { SESSIONSCOPE_APK: '' });
    expect(s.r.code).toBe(2);
    expect(s.r.stderr).toBe('sessionscope-emulator: run-dynamic: SESSIONSCOPE_APK is not set (the APK to test)\n');
    expect(s.r.stdout).toBe('');
    expect(s.dev.commands()).toEqual([]);
  });
});
