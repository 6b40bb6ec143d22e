/**
 * The orchestration without a device: a fake session and small probes check that the report is
 * written after every probe, that a fault, a lost device, a bad flow file and Ctrl-C stop the run
 * with exit code 2 (130) and one line naming the step, and that the partial report stays on disk.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDynamic, type DynamicOptions } from '../../dynamic/run.js';
import { dynamicFinding } from '../../dynamic/findings.js';
import { DeviceError, type Device, type SessionOptions } from '../../dynamic/session.js';
import { Fault } from '../../dynamic/ui.js';
import type { Probe } from '../../dynamic/probes/probe.js';
import type { DynamicRun } from '../../dynamic/report.js';
import type { Report } from '../../src/report/types.js';

const ROOT = path.resolve(__dirname, '../..');
const INSECURE = path.join(ROOT, 'test/fixtures/apks/insecure-invoice.apk');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000000000500010d0a2db40000000049454e44ae426082', 'hex');

class FakeDevice implements Device {
  readonly info = { udid: 'fake-1', automationName: 'Fake', platformVersion: '14', deviceName: null, simulated: false };
  closed = false;
  async find(): Promise<string[]> { return []; }
  async click(): Promise<void> {}
  async type(): Promise<void> {}
  async attribute(): Promise<string | null> { return null; }
  async back(): Promise<void> {}
  async pageSource(): Promise<string> { return '<hierarchy><android.widget.EditText password="true" text="hunter2-typed"/></hierarchy>'; }
  async screenshot(): Promise<Buffer> { return PNG; }
  async execute<T>(): Promise<T> { return 4 as T; }
  async shell(cmd: string): Promise<string> { return cmd === 'id' ? 'uid=0(root) gid=0(root)' : ''; }
  async pullFile(): Promise<Buffer> { return Buffer.alloc(0); }
  async close(): Promise<void> { this.closed = true; }
}

function readReport(out: string): { report: Report; run: DynamicRun } {
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as Report;
  return { report, run: report.results[0]!.dynamic as DynamicRun };
}

function setup(probes: Probe[], extra: Partial<DynamicOptions> = {}) {
  const out = mkdtempSync(path.join(tmpdir(), 'sessionscope-run-'));
  const lines: string[] = [];
  const device = new FakeDevice();
  const caps: SessionOptions[] = [];
  const opts: DynamicOptions = {
    apk: INSECURE,
    appiumUrl: 'http://127.0.0.1:4723',
    outDir: out,
    format: 'json',
    failOn: 'high',
    force: false,
    progress: { line: (t) => lines.push(t) },
    env: { SESSIONSCOPE_USER: 'u', SESSIONSCOPE_PASSWORD: 'p' },
    probes,
    connect: async (o) => {
      caps.push(o);
      return device;
    },
    ...extra,
  };
  return { out, lines, device, caps, opts };
}

const pass = (name: string): Probe => ({
  name,
  title: `${name} title`,
  precondition: () => null,
  async run(ctx) {
    await ctx.rec.step(`${name} step`, async () => undefined);
    return { verdict: 'pass', summary: `${name} ok`, evidence: ['e'], findings: [] };
  },
});

describe('runDynamic', () => {
  it('writes the report after every probe, with steps, screenshots and page sources on disk', async () => {
    const seenOnDisk: string[][] = [];
    const s = setup([]);
    const spy: Probe = {
      name: 'spy',
      title: 'reads the report written so far',
      precondition: () => null,
      async run() {
        seenOnDisk.push(readReport(s.out).run.probes.map((p) => `${p.name}:${p.verdict}`));
        return {
          verdict: 'fail',
          summary: 'found one',
          evidence: [],
          findings: [dynamicFinding('ghost-login', { message: 'm', location: { file: 'AndroidManifest.xml' }, fingerprint: ['x'] })],
        };
      },
    };
    const never: Probe = { name: 'never', title: 'cannot run', precondition: () => 'logout did not complete', run: async () => { throw new Error('not reached'); } };
    s.opts.probes = [pass('first'), spy, never];
    const r = await runDynamic(s.opts);
    expect(r.error).toBeNull();
    expect(r.exitCode).toBe(1); // ghost-login is high, --fail-on high
    // While `spy` runs, the report on disk holds what the run had after `first`.
    expect(seenOnDisk).toEqual([['first:pass']]);
    const { report, run } = readReport(s.out);
    expect(run.probes.map((p) => [p.name, p.verdict, p.summary])).toEqual([
      ['first', 'pass', 'first ok'],
      ['spy', 'fail', 'found one'],
      ['never', 'inconclusive', 'not run: logout did not complete'],
    ]);
    expect(run.simulated).toBe(false);
    expect(run.stoppedAt).toBeUndefined();
    expect(run.finishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const step = run.probes[0]!.steps[0]!;
    expect(step).toMatchObject({ name: 'first step', screenshot: 'steps/01-first/01-first-step.png', pageSource: 'steps/01-first/01-first-step.xml' });
    expect(readFileSync(path.join(s.out, step.screenshot!)).subarray(0, 4).toString('hex')).toBe('89504e47');
    expect(readFileSync(path.join(s.out, step.pageSource!), 'utf8')).toContain('password="true" text="[masked]"');
    const findings = report.results[0]!.findings;
    expect(findings.some((f) => f.stage === 'dynamic' && f.ruleId === 'ghost-login')).toBe(true);
    expect(findings.filter((f) => f.stage === 'static').every((f) => ['confirmed', 'refuted', 'not-tested'].includes((f as { dynamicStatus?: string }).dynamicStatus ?? ''))).toBe(true);
    expect(s.lines).toContain('[1/3] first: first title');
    expect(s.lines.some((l) => /^ {2}first › first step \(\d+\.\d\d s\)$/.test(l))).toBe(true);
    expect(s.device.closed).toBe(true);
    expect(s.caps[0]).toMatchObject({ appPackage: 'com.example.insecureinvoice', automationName: 'UiAutomator2' });
  });

  it('a Fault stops the run: exit 2, one line naming the step, the partial report says where', async () => {
    const s = setup([]);
    const crash: Probe = {
      name: 'login',
      title: 'crashes',
      precondition: () => null,
      async run(ctx) {
        await ctx.rec.step('log in: tap id=login', async () => undefined);
        await ctx.rec.step('log in: wait for the loggedIn marker', async () => {
          throw new Fault(ctx.rec.where, 'the app is not running (it crashed or closed); the loggedIn marker never appeared');
        });
        return { verdict: 'pass', summary: '', evidence: [], findings: [] };
      },
    };
    s.opts.probes = [pass('baseline'), crash, pass('after')];
    const r = await runDynamic(s.opts);
    expect(r.exitCode).toBe(2);
    expect(r.error).toBe('login › log in: wait for the loggedIn marker: the app is not running (it crashed or closed); the loggedIn marker never appeared');
    expect(r.error).not.toContain('\n');
    const { run } = readReport(s.out);
    expect(run.stoppedAt).toBe(r.error);
    expect(run.probes.map((p) => [p.name, p.verdict])).toEqual([['baseline', 'pass'], ['login', 'inconclusive']]);
    expect(run.probes[1]!.summary).toMatch(/^stopped: /);
    const failed = run.probes[1]!.steps[1]!;
    expect(failed.error).toMatch(/crashed/);
    expect(existsSync(path.join(s.out, failed.screenshot!))).toBe(true);
    expect(existsSync(path.join(s.out, failed.pageSource!))).toBe(true);
  });

  it('a lost device stops the run; a non-fatal error only makes that probe inconclusive', async () => {
    const s = setup([]);
    const flaky: Probe = { name: 'flaky', title: 't', precondition: () => null, run: async () => { throw new DeviceError('command', 'bmgr: unknown command'); } };
    const lost: Probe = {
      name: 'rotation',
      title: 't',
      precondition: () => null,
      async run(ctx) {
        return ctx.rec.step('log in again: tap id=login', async () => {
          throw new DeviceError('device-lost', 'the device fake-1 is no longer reachable (device lost)');
        });
      },
    };
    s.opts.probes = [flaky, lost, pass('never')];
    const r = await runDynamic(s.opts);
    expect(r.exitCode).toBe(2);
    expect(r.error).toBe('rotation › log in again: tap id=login: the device fake-1 is no longer reachable (device lost)');
    const { run } = readReport(s.out);
    expect(run.probes.map((p) => p.verdict)).toEqual(['inconclusive', 'inconclusive']);
    expect(run.probes[0]!.summary).toBe('could not complete at flaky: bmgr: unknown command');
  });

  it('Ctrl-C: exit 130, the report says where it stopped', async () => {
    const ac = new AbortController();
    const s = setup([], { signal: ac.signal });
    const hang: Probe = {
      name: 'reinstall',
      title: 't',
      precondition: () => null,
      async run(ctx) {
        await ctx.rec.step('bmgr: back up now', () => {
          setTimeout(() => ac.abort(), 50);
          return new Promise(() => {});
        }, { capture: false });
        return { verdict: 'pass', summary: '', evidence: [], findings: [] };
      },
    };
    s.opts.probes = [pass('baseline'), hang];
    const r = await runDynamic(s.opts);
    expect(r.exitCode).toBe(130);
    expect(r.error).toBe('reinstall › bmgr: back up now: interrupted (Ctrl-C)');
    const { run } = readReport(s.out);
    expect(run.stoppedAt).toBe(r.error);
    expect(run.probes.map((p) => [p.name, p.verdict])).toEqual([['baseline', 'pass'], ['reinstall', 'inconclusive']]);
  });

  it('a bad flow file: exit 2 with file:line, the static results on disk, no session opened', async () => {
    const s = setup([pass('baseline')]);
    const flow = path.join(s.out, 'flow.yml');
    writeFileSync(flow, 'login:\n  steps:\n    - tap: { css: "#x" }\nlogout: { steps: [back] }\nloggedIn: { id: a }\nloggedOut: { id: b }\n');
    s.opts.flowPath = flow;
    const r = await runDynamic(s.opts);
    expect(r.exitCode).toBe(2);
    expect(r.error).toBe(`${flow}:3: login.steps[0].tap: unknown strategy "css"`);
    expect(s.caps).toHaveLength(0);
    const { report, run } = readReport(s.out);
    expect(run.stoppedAt).toBe(r.error);
    expect(run.probes).toEqual([]);
    expect(report.results[0]!.findings.length).toBeGreaterThan(0);
    expect(report.results[0]!.findings.every((f) => (f as { dynamicStatus?: string }).dynamicStatus === 'not-tested')).toBe(true);
  });

  it('an unreadable APK is exit 2 without a report; a flow for another package is refused', async () => {
    const s = setup([pass('baseline')]);
    s.opts.apk = path.join(s.out, 'missing.apk');
    expect(await runDynamic(s.opts)).toMatchObject({ exitCode: 2, report: null, error: `${s.opts.apk}: no such file` });
    const t = setup([pass('baseline')]);
    const flow = path.join(t.out, 'flow.yml');
    writeFileSync(flow, 'app: { package: com.other.app }\nlogin: { steps: [back] }\nlogout: { steps: [back] }\nloggedIn: { id: a }\nloggedOut: { id: b }\n');
    t.opts.flowPath = flow;
    const r = await runDynamic(t.opts);
    expect(r.error).toBe(`load the flow: ${flow}: app.package is com.other.app but the APK is com.example.insecureinvoice`);
    expect(readdirSync(t.out)).toContain('report.json');
  });

  it('refuses --capability values that would destroy the evidence', async () => {
    const s = setup([pass('baseline')], { capabilities: ['appium:noReset=false'] });
    const r = await runDynamic(s.opts);
    expect(r.exitCode).toBe(2);
    expect(r.error).toMatch(/noReset=false would clear the app data/);
  });

  it('renders another --format next to report.json', async () => {
    const s = setup([pass('baseline')], { format: 'html' });
    await runDynamic(s.opts);
    expect(readFileSync(path.join(s.out, 'report.html'), 'utf8')).toContain('steps/01-baseline/01-baseline-step.png');
  });
});
