/**
 * The action's dynamic path, run here step by step like test/ci/action.test.ts, with the emulator
 * runner's `script` executed as the runner would (each line in its own `sh -c`, from the
 * workspace, with the step's env and GITHUB_ACTION_PATH pointing at the runner's own folder).
 * The device is the SIMULATED one (test/sim-driver, served by the project's Appium that
 * emulator/appium.sh starts). adb is the fake one (test/helpers/fake-adb) for the device
 * preparation and logcat, or device preparation is skipped (SESSIONSCOPE_SKIP_DEVICE_PREP=1).
 * Nothing here is an emulator result: the reports say simulated: true.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/apks.js';
import { CREDS } from '../dynamic/e2e-helpers.js';
import { baseEnv, fakeDevice, type FakeDevice } from '../emulator/helpers.js';
import { ensureDriverBuilt } from '../sim-driver/helpers.js';
import { runAction, stepOf, type ActionRun, type UsesCall } from './action-harness.js';
import { ACTION, removeWorkspaces, staticUses, standIn, workspace } from './action-steps.js';

const RUN_DYNAMIC = path.join(ROOT, 'emulator/run-dynamic.sh');
const T = 240_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Every file under dir, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

interface DynamicRun {
  r: ActionRun;
  dev: FakeDevice | null;
  ws: string;
  out: string;
  script: { status: number | null; stdout: string; stderr: string }[];
}

/** `adb`: the fake adb on PATH, so prepare-device.sh and logcat run; `skip-prep`: no adb, SESSIONSCOPE_SKIP_DEVICE_PREP=1. */
async function runDynamicAction(app: 'insecure' | 'secure', inputs: Record<string, string>, device: 'adb' | 'skip-prep'): Promise<DynamicRun> {
  const apk = `test/fixtures/apks/${app}-invoice.apk`;
  const flow = `examples/${app}-invoice.flow.yml`;
  const ws = workspace([apk, flow]);
  const script: DynamicRun['script'] = [];
  // The emulator runner's serial; the simulated device takes it as its udid.
  const serial = 'emulator-5554';
  const dev = device === 'adb' ? fakeDevice({ bootAfterPolls: 1 }) : null;
  const env = baseEnv({
    ...(dev ? dev.env : { SESSIONSCOPE_SKIP_DEVICE_PREP: '1' }),
    ...CREDS,
    SESSIONSCOPE_CAPABILITIES: 'appium:automationName=SimAndroid',
    SESSIONSCOPE_APPIUM_ALLOW_INSECURE: 'simandroid:adb_shell',
    SESSIONSCOPE_APPIUM_PORT: String(await freePort()),
  });
  const uses = (call: UsesCall): number => {
    const u = call.step.uses!;
    if (u === 'actions/setup-java@v4') {
      expect(call.with).toEqual({ distribution: 'temurin', 'java-version': '17' });
      return 0;
    }
    if (u !== 'reactivecircus/android-emulator-runner@v2') return staticUses(call);
    expect(call.with).toEqual({
      'api-level': call.ctx.inputs['api-level'],
      target: call.ctx.inputs.target,
      arch: call.ctx.inputs.arch,
      'disable-animations': 'true',
      'emulator-options': '-no-window -gpu swiftshader_indirect -no-snapshot -noaudio -no-boot-anim',
      script: 'bash "$SESSIONSCOPE_ACTION_PATH/emulator/run-dynamic.sh"',
    });
    // What the runner gives the script: the step's env, its own action folder, the emulator's serial.
    const scriptEnv = { ...call.env, GITHUB_ACTION_PATH: path.join(ws, '..', '_actions/reactivecircus/android-emulator-runner/v2'), ANDROID_SERIAL: serial, EMULATOR_PORT: '5554' };
    for (const line of call.with.script!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
      const r = spawnSync('sh', ['-c', line], { cwd: ws, env: scriptEnv, encoding: 'utf8', timeout: T });
      script.push({ status: r.status, stdout: r.stdout, stderr: r.stderr });
      if (r.status !== 0) return r.status ?? 128;
    }
    return 0;
  };
  const r = runAction({ actionFile: ACTION, inputs: { apk, flow, ...inputs }, actionPath: ROOT, workspace: ws, env, uses, standIn });
  return { r, dev, ws, out: path.join(ws, 'sessionscope-report'), script };
}

function expectNoCredentials(run: DynamicRun): void {
  const texts: [string, string][] = [
    ...filesUnder(run.out).map((f): [string, string] => [path.relative(run.ws, f), readFileSync(f, 'latin1')]),
    ['step summary', run.r.summary],
    ...run.script.flatMap((s, i): [string, string][] => [[`script line ${i} stdout`, s.stdout], [`script line ${i} stderr`, s.stderr]]),
    ...run.r.steps.flatMap((s, i): [string, string][] => [[`step ${s.step.id ?? i} stdout`, s.stdout], [`step ${s.step.id ?? i} stderr`, s.stderr]]),
  ];
  expect(texts.filter(([, t]) => t.includes(CREDS.SESSIONSCOPE_PASSWORD)).map(([where]) => where)).toEqual([]);
  // the user name too, except in screenshots (the login form shows it)
  expect(texts.filter(([where, t]) => !where.endsWith('.png') && t.includes(CREDS.SESSIONSCOPE_USER)).map(([where]) => where)).toEqual([]);
}

const checker = (report: string, ...args: string[]): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-dynamic-verdicts.mjs'), report, ...args], { encoding: 'utf8' });

if (!existsSync(RUN_DYNAMIC)) console.warn('test/ci/action-dynamic.test.ts: emulator/run-dynamic.sh is missing; the dynamic path of the action cannot run');

describe('the action with dynamic: true, on the SIMULATED device', () => {
  beforeAll(() => {
    ensureDriverBuilt();
  });
  afterAll(removeWorkspaces);

  it('insecure-invoice, API 30, category dyn-cat: the emulator step gets the inputs, the dynamic reports are uploaded, the gate fails after the uploads', async () => {
    const run = await runDynamicAction('insecure', { 'api-level': '30', 'sarif-category': 'dyn-cat' }, 'adb');
    const { r, out } = run;
    const emulator = stepOf(r, 'emulator');
    expect(emulator.ran).toBe(true);
    expect(run.script.map((s) => s.status)).toEqual([0]);
    expect(emulator.exitCode).toBe(0); // SESSIONSCOPE_DEFER_EXIT: the findings gate comes later
    expect(emulator.env).toMatchObject({ SESSIONSCOPE_ACTION_PATH: ROOT, SESSIONSCOPE_DEFER_EXIT: '1', SESSIONSCOPE_OUT: 'sessionscope-report', SESSIONSCOPE_FAIL_ON: 'high', SESSIONSCOPE_SARIF_CATEGORY: 'dyn-cat' });
    expect(readFileSync(path.join(out, 'dynamic.exit'), 'utf8')).toBe('1\n');
    for (const f of ['report.json', 'report.sarif', 'report.html', 'report.md']) expect(existsSync(path.join(out, 'dynamic', f)), f).toBe(true);
    expect(statSync(path.join(out, 'appium.log')).size).toBeGreaterThan(1000);

    const report = JSON.parse(readFileSync(path.join(out, 'dynamic/report.json'), 'utf8'));
    const dyn = report.results[0].dynamic;
    expect(dyn.simulated).toBe(true);
    expect(dyn.device.udid).toBe('emulator-5554');
    // the device was prepared through adb before Appium started, and logcat was recorded
    const adb = run.dev!.commands();
    let at = -1;
    for (const c of ['root', 'wait-for-device', 'shell bmgr enable true', 'shell bmgr transport com.android.localtransport/.LocalTransport', 'logcat']) {
      at = adb.indexOf(`adb -s emulator-5554 ${c}`, at + 1);
      expect(at, `${c} in order in:\n${adb.join('\n')}`).toBeGreaterThan(-1);
    }
    expect(readFileSync(path.join(out, 'logcat.txt'), 'utf8')).toContain('fake adb logcat for emulator-5554');
    expect(dyn.flow).toEqual({ source: 'file', file: 'examples/insecure-invoice.flow.yml', written: null }); // the flow input reached the CLI
    const verdicts = Object.fromEntries(dyn.probes.map((p: { name: string; verdict: string }) => [p.name, p.verdict]));
    expect(verdicts).toMatchObject({ logout: 'fail', relaunch: 'fail', reinstall: 'fail' });

    // the dynamic SARIF is the one uploaded: one run, the action's category, static and dynamic findings
    const sarif = JSON.parse(readFileSync(path.join(out, 'dynamic/report.sarif'), 'utf8'));
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails.id).toContain('dyn-cat');
    const ruleIds = new Set(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId));
    for (const id of ['app-backup', 'logout-leaves-session', 'reinstall-restores-session']) expect(ruleIds.has(id), id).toBe(true);
    expect(stepOf(r, 'status').stdout).toBe('static: 1, dynamic: 1 (dynamic stage on: true), result: 1\n');
    expect(stepOf(r, 'github/codeql-action/upload-sarif').with).toEqual({ sarif_file: 'sessionscope-report/dynamic/report.sarif', category: 'dyn-cat' });
    expect(stepOf(r, 'actions/upload-artifact').with.path).toBe('sessionscope-report');
    expect(r.summary).toBe(readFileSync(path.join(out, 'dynamic/report.md'), 'utf8'));
    expect(r.summary).toMatch(/simulated/i);
    expect(stepOf(r, 'Gate on fail-on').exitCode).toBe(1);
    expect(r.outputs).toEqual({ sarif: 'sessionscope-report/dynamic/report.sarif', 'report-dir': 'sessionscope-report', 'exit-code': '1' });
    expectNoCredentials(run);

    // the project's workflow check, on this (simulated) report
    const ok = checker(path.join(out, 'dynamic/report.json'), 'insecure', '--allow-simulated');
    expect(ok.stdout).toMatch(/^ok {3}insecure-invoice logout: fail.*\nok {3}insecure-invoice relaunch: fail.*\nok {3}insecure-invoice reinstall: fail.*\nverdicts as expected on the SIMULATED device emulator-5554 /);
    expect(ok.status).toBe(0);
    expect(checker(path.join(out, 'dynamic/report.json'), 'secure', '--allow-simulated').status).toBe(1);
    const real = checker(path.join(out, 'dynamic/report.json'), 'insecure');
    expect(real.stderr).toMatch(/from the SIMULATED device, not an emulator\n$/);
    expect(real.status).toBe(2);
  }, T);

  it('secure-invoice, fail-on high: logout, relaunch and reinstall pass, the gate passes', async () => {
    const run = await runDynamicAction('secure', { 'fail-on': 'high' }, 'skip-prep');
    const { r, out } = run;
    expect(run.script.map((s) => s.status)).toEqual([0]);
    expect(run.script[0]!.stdout).toContain('device preparation skipped (SESSIONSCOPE_SKIP_DEVICE_PREP=1)');
    expect(existsSync(path.join(out, 'logcat.txt'))).toBe(false); // no adb on this path
    expect(readFileSync(path.join(out, 'dynamic.exit'), 'utf8')).toBe('0\n');
    expect(stepOf(r, 'status').stdout).toBe('static: 0, dynamic: 0 (dynamic stage on: true), result: 0\n');
    expect(stepOf(r, 'github/codeql-action/upload-sarif').with).toEqual({ sarif_file: 'sessionscope-report/dynamic/report.sarif', category: 'sessionscope' });
    expect(r.summary).toBe(readFileSync(path.join(out, 'dynamic/report.md'), 'utf8'));
    expect(stepOf(r, 'Gate on fail-on').exitCode).toBe(0);
    expect(r.ok).toBe(true);
    expectNoCredentials(run);
    const ok = checker(path.join(out, 'dynamic/report.json'), 'secure', '--allow-simulated');
    expect(ok.stdout).toMatch(/^ok {3}secure-invoice logout: pass.*\nok {3}secure-invoice relaunch: pass.*\nok {3}secure-invoice reinstall: pass.*\nverdicts as expected/);
    expect(ok.status).toBe(0);
  }, T);
});
