/**
 * End to end against the SIMULATED device (test/sim-driver, automationName SimAndroid): the
 * project's real Appium 3 server started by dynamic/appium-server.ts, real WebdriverIO, the whole
 * dynamic stage. Every report here is a simulation (dynamic.simulated: true), never an emulator
 * or device result.
 *
 * The server side of the revocation probe is played by a tiny HTTP server on 127.0.0.1 that each
 * test starts and stops, answering as the simulated app's backend would with the
 * server-accepts-old-token switch on (200) or off (401).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppiumServer } from '../../dynamic/appium-server.js';
import { freePort, startAppiumServer } from '../../dynamic/appium-server.js';
import { parseFlow } from '../../dynamic/flow.js';
import { PROBES } from '../../dynamic/probes/index.js';
import { registerDynamic } from '../../src/cli/dynamic-command.js';
import { APKS, CREDS, flowFile, runStage, startSimServer, tokenServer, type StageRun } from './e2e-helpers.js';
import { ensureDriverBuilt } from '../sim-driver/helpers.js';

const INSECURE = 'com.example.insecureinvoice';
const SECURE = 'com.example.secureinvoice';
const ALL = ['logout-leaves-token', 'token-not-rotated', 'backup-restores-session', 'back-stack-shows-invoices', 'relaunch-stays-logged-in', 'token-on-external-storage', 'long-lived-token', 'plaintext-password', 'world-readable-prefs', 'server-accepts-old-token'];
const REQUEST = (url: string): string => `request:\n  method: GET\n  url: ${url}/v1/me\n  headers: { Authorization: "Bearer \${token}" }\n`;
const T = 180_000;

let server: AppiumServer;
let dir: string;

beforeAll(async () => {
  server = await startSimServer();
  dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-e2e-flows-'));
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function filesUnder(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** No credential anywhere the run wrote (report, page sources, flow, file names). */
function expectNoCredentials(r: StageRun): void {
  for (const f of filesUnder(r.out)) {
    expect(f).not.toContain('alice');
    const text = readFileSync(f).toString('latin1');
    expect(text, f).not.toContain(CREDS.SESSIONSCOPE_PASSWORD);
    if (!f.endsWith('.png')) expect(text, f).not.toContain(CREDS.SESSIONSCOPE_USER);
  }
  const progress = r.lines.join('\n');
  expect(progress).not.toContain(CREDS.SESSIONSCOPE_PASSWORD);
  expect(progress).not.toContain(CREDS.SESSIONSCOPE_USER);
}

function changed(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(b).filter(([k, v]) => a[k] !== v));
}

function toFail(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.entries(b).filter(([k, v]) => v === 'fail' && a[k] !== 'fail').map(([k]) => k).sort();
}

describe('the whole stage on the simulated device', () => {
  it('insecure-invoice with every flaw switch on: every probe after the baseline fails', async () => {
    const backend = await tokenServer(200);
    try {
      const r = await runStage({ apk: APKS.insecure, server, flow: flowFile(dir, INSECURE, REQUEST(backend.url)), simulation: { flaws: ALL }, label: 'insecure-all' });
      console.log(`--- progress (insecure-invoice, all flaws, SIMULATED) ---\n${r.lines.join('\n')}`);
      expect(r.outcome.error).toBeNull();
      expect(r.outcome.exitCode).toBe(1);
      expect(r.verdicts).toEqual({
        baseline: 'pass', login: 'fail', logout: 'fail', relaunch: 'fail', 'back-navigation': 'fail',
        rotation: 'fail', reinstall: 'fail', 'token-lifetime': 'fail', revocation: 'fail',
      });
      expect(r.run.simulated).toBe(true);
      expect(r.run.device).toMatchObject({ automationName: 'SimAndroid', access: 'root', shellAllowed: true, pullFileUsed: false });
      expect(r.run.stoppedAt).toBeUndefined();
      const dyn = r.report.results[0]!.findings.filter((f) => f.stage === 'dynamic').map((f) => f.ruleId);
      for (const id of ['plaintext-session-storage', 'external-storage-session', 'world-readable-storage', 'logout-leaves-session', 'ghost-login', 'back-navigation-after-logout', 'token-not-rotated', 'reinstall-restores-session', 'long-lived-token', 'token-valid-after-logout']) expect(dyn, id).toContain(id);
      const statics = r.report.results[0]!.findings.filter((f) => f.stage === 'static') as ({ ruleId: string; dynamicStatus?: string })[];
      expect(statics.find((f) => f.ruleId === 'plaintext-session-storage')?.dynamicStatus).toBe('confirmed');
      expect(statics.find((f) => f.ruleId === 'app-backup')?.dynamicStatus).toBe('confirmed');
      expect(statics.every((f) => f.dynamicStatus)).toBe(true);
      // the backend saw the replayed token of the logged-out session
      expect(backend.seen).toHaveLength(1);
      expect(backend.seen[0]!.auth).toMatch(/^Bearer eyJ/);
      // each step: a progress line with its duration, a screenshot and a page source on disk
      expect(r.lines.filter((l) => /^\[\d\/9\] /.test(l))).toHaveLength(9);
      expect(r.lines.filter((l) => /^ {2}(?!setup)\S+ › /.test(l)).every((l) => / \(\d+\.\d+ s\)$/.test(l))).toBe(true);
      const steps = r.run.probes.flatMap((p) => p.steps);
      expect(steps.length).toBeGreaterThan(40);
      for (const s of steps.filter((x) => x.screenshot)) expect(statSync(path.join(r.out, s.screenshot!)).size).toBeGreaterThan(100);
      for (const s of steps.filter((x) => x.pageSource)) expect(readFileSync(path.join(r.out, s.pageSource!), 'utf8')).toContain('<hierarchy');
      expectNoCredentials(r);
    } finally {
      await backend.close();
    }
  }, T);

  it('secure-invoice: the probes that can read their evidence pass; rotation, lifetime and revocation are inconclusive (the token is AES-GCM encrypted)', async () => {
    const backend = await tokenServer(401);
    try {
      const r = await runStage({ apk: APKS.secure, server, flow: flowFile(dir, SECURE, REQUEST(backend.url)), label: 'secure', format: 'html' });
      console.log(`--- progress (secure-invoice, SIMULATED) ---\n${r.lines.join('\n')}`);
      expect(r.outcome.error).toBeNull();
      expect(r.verdicts).toEqual({
        baseline: 'pass', login: 'pass', logout: 'pass', relaunch: 'pass', 'back-navigation': 'pass',
        rotation: 'inconclusive', reinstall: 'pass', 'token-lifetime': 'inconclusive', revocation: 'inconclusive',
      });
      const by = Object.fromEntries(r.run.probes.map((p) => [p.name, p.summary]));
      expect(by.rotation).toMatch(/stored encrypted/);
      expect(by['token-lifetime']).toBe('no plaintext token on the device to read a lifetime from');
      expect(by.revocation).toMatch(/no plaintext token of the logged-out session/);
      expect(r.report.results[0]!.findings.filter((f) => f.stage === 'dynamic')).toEqual([]);
      expect(backend.seen).toHaveLength(0);
      expect(readFileSync(path.join(r.out, 'report.html'), 'utf8')).toMatch(/Simulated device/);
      expectNoCredentials(r);
    } finally {
      await backend.close();
    }
  }, T);

  it('insecure-invoice as shipped: rotation passes (a new token each login), the rest fails', async () => {
    const backend = await tokenServer(200);
    try {
      const r = await runStage({ apk: APKS.insecure, server, flow: flowFile(dir, INSECURE, REQUEST(backend.url)), label: 'insecure' });
      expect(r.verdicts).toEqual({
        baseline: 'pass', login: 'fail', logout: 'fail', relaunch: 'fail', 'back-navigation': 'fail',
        rotation: 'pass', reinstall: 'fail', 'token-lifetime': 'fail', revocation: 'fail',
      });
    } finally {
      await backend.close();
    }
  }, T);
});

describe('each flaw switch flips its probe', () => {
  let secure: Record<string, string>;
  let insecure: Record<string, string>;

  beforeAll(async () => {
    secure = (await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 's-')), SECURE), label: 'flip-secure' })).verdicts;
    insecure = (await runStage({ apk: APKS.insecure, server, flow: flowFile(mkdtempSync(path.join(dir, 'i-')), INSECURE), label: 'flip-insecure' })).verdicts;
  }, T);

  // secure-invoice + one flaw: exactly these probes turn to fail.
  it.each([
    ['logout-leaves-token', ['logout']],
    ['backup-restores-session', ['reinstall']],
    ['back-stack-shows-invoices', ['back-navigation']],
    // The "logged in" flag file is not excluded by secure-invoice's backup rules (only session.xml
    // is), so a reinstall restores it and the app opens logged in: a real second consequence.
    ['relaunch-stays-logged-in', ['reinstall', 'relaunch']],
    ['token-on-external-storage', ['login']],
    ['plaintext-password', ['login']],
    ['world-readable-prefs', ['login']],
  ])('secure-invoice + %s', async (flaw, probes) => {
    const r = await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 'f-')), SECURE), simulation: { flaws: [flaw] }, label: 'flaw' });
    expect(r.outcome.error).toBeNull();
    expect(toFail(secure, r.verdicts)).toEqual(probes);
    if (flaw === 'token-on-external-storage') {
      // the token on /sdcard is readable: rotation and lifetime can now be judged (and pass)
      expect(changed(secure, r.verdicts)).toEqual({ login: 'fail', rotation: 'pass', 'token-lifetime': 'pass' });
      expect(r.report.results[0]!.findings.map((f) => f.ruleId)).toContain('external-storage-session');
    }
  }, T);

  // Switches whose evidence is the token itself: secure-invoice keeps it encrypted, so they are
  // shown on insecure-invoice (plaintext token), turning the flaw on or off from the app's default.
  it('token-not-rotated: insecure-invoice + flaw fails rotation, as shipped it passes', async () => {
    const r = await runStage({ apk: APKS.insecure, server, flow: flowFile(mkdtempSync(path.join(dir, 'f-')), INSECURE), simulation: { flaws: ['token-not-rotated'] }, label: 'rot' });
    expect(changed(insecure, r.verdicts)).toEqual({ rotation: 'fail' });
  }, T);

  it('long-lived-token: insecure-invoice fails token-lifetime, with the fix it passes', async () => {
    const r = await runStage({ apk: APKS.insecure, server, flow: flowFile(mkdtempSync(path.join(dir, 'f-')), INSECURE), simulation: { fixes: ['long-lived-token'] }, label: 'life' });
    expect(insecure['token-lifetime']).toBe('fail');
    expect(changed(insecure, r.verdicts)).toEqual({ 'token-lifetime': 'pass' });
  }, T);

  it('server-accepts-old-token: revocation fails against an accepting backend, passes against a revoking one', async () => {
    const accepting = await tokenServer(200);
    const revoking = await tokenServer(401);
    try {
      const a = await runStage({ apk: APKS.insecure, server, flow: flowFile(mkdtempSync(path.join(dir, 'f-')), INSECURE, REQUEST(accepting.url)), label: 'rev-a' });
      const b = await runStage({ apk: APKS.insecure, server, flow: flowFile(mkdtempSync(path.join(dir, 'f-')), INSECURE, REQUEST(revoking.url)), simulation: { fixes: ['server-accepts-old-token'] }, label: 'rev-b' });
      expect(a.verdicts.revocation).toBe('fail');
      expect(b.verdicts.revocation).toBe('pass');
      // on the device, the fixed backend also refuses the stale token the app auto-logs in with
      expect(changed(a.verdicts, b.verdicts)).toEqual({ relaunch: 'pass', revocation: 'pass' });
      expect(revoking.seen[0]!.auth).toMatch(/^Bearer eyJ/);
    } finally {
      await accepting.close();
      await revoking.close();
    }
  }, T);

  it('fixes on insecure-invoice flip the probe back', async () => {
    const r = await runStage({ apk: APKS.insecure, server, flow: flowFile(mkdtempSync(path.join(dir, 'f-')), INSECURE), simulation: { fixes: ['backup-restores-session'] }, label: 'fix-backup' });
    expect(changed(insecure, r.verdicts)).toEqual({ reinstall: 'pass' });
  }, T);
});

describe('no access to the app data: inconclusive, never pass', () => {
  const STORAGE = ['login', 'logout', 'rotation', 'reinstall', 'token-lifetime', 'revocation'];

  it('device.root false + a non-debuggable APK (secure-invoice)', async () => {
    const backend = await tokenServer(401);
    try {
      const r = await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 'n-')), SECURE, REQUEST(backend.url)), simulation: { device: { root: false } }, label: 'noroot' });
      expect(r.outcome.error).toBeNull();
      expect(r.run.device.access).toBe('none');
      for (const p of STORAGE) expect(r.verdicts[p], p).toBe('inconclusive');
      expect(r.verdicts.baseline).toBe('inconclusive');
      // what the screen alone proves still counts
      expect(r.verdicts.relaunch).toBe('pass');
      expect(r.verdicts['back-navigation']).toBe('pass');
    } finally {
      await backend.close();
    }
  }, T);

  it('device.root false + the same app with every flaw: never a pass for what it cannot read', async () => {
    const r = await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 'n-')), SECURE), simulation: { device: { root: false }, flaws: ALL }, label: 'noroot-flaws' });
    for (const p of STORAGE) expect(r.verdicts[p], p).not.toBe('pass');
    expect(r.verdicts.relaunch).toBe('fail');
  }, T);

  it('device.root false + a debuggable APK uses run-as and sees everything', async () => {
    const r = await runStage({ apk: APKS.insecure, server, flow: flowFile(mkdtempSync(path.join(dir, 'n-')), INSECURE), simulation: { device: { root: false } }, label: 'runas' });
    expect(r.run.device.access).toBe('run-as');
    expect(r.verdicts).toMatchObject({ login: 'fail', logout: 'fail', reinstall: 'fail' });
  }, T);

  it('a server without adb_shell (a device cloud): pullFile on known paths, recorded; no bmgr', async () => {
    ensureDriverBuilt();
    const plain = await startAppiumServer({ requireDrivers: ['simandroid'], logFile: path.join(mkdtempSync(path.join(tmpdir(), 'ss-noshell-')), 'appium.log') });
    try {
      const r = await runStage({ apk: APKS.insecure, server: plain, flow: flowFile(mkdtempSync(path.join(dir, 'n-')), INSECURE), label: 'noshell' });
      expect(r.outcome.error).toBeNull();
      expect(r.run.device).toMatchObject({ access: 'pull-file', shellAllowed: false, pullFileUsed: true });
      expect(r.run.device.pullFileFiles).toContain('shared_prefs/session.xml');
      expect(r.run.device.accessNotes.join(' ')).toMatch(/does not allow mobile: shell/);
      expect(r.verdicts.login).toBe('fail'); // the plaintext token, read through pullFile
      expect(r.verdicts.baseline).toBe('inconclusive');
      expect(r.verdicts.reinstall).toBe('inconclusive');
      expect(r.run.probes.find((p) => p.name === 'reinstall')!.summary).toMatch(/adb_shell/);
      // modes read after pullFile's chmod 777 are never judged
      expect(r.report.results[0]!.findings.map((f) => f.ruleId)).not.toContain('world-readable-storage');
    } finally {
      await plain.stop();
    }
  }, T);
});

describe('faults: exit 2, one line naming the step, the partial report on disk', () => {
  async function expectStopped(r: StageRun, step: RegExp, why: RegExp, simulated = true): Promise<void> {
    console.log(`fault: ${r.outcome.error}`);
    expect(r.outcome.exitCode).toBe(2);
    expect(r.outcome.error).toMatch(step);
    expect(r.outcome.error).toMatch(why);
    expect(r.outcome.error).not.toContain('\n');
    expect(existsSync(path.join(r.out, 'report.json'))).toBe(true);
    expect(r.run.stoppedAt).toBe(r.outcome.error);
    // the static stage's result is in the partial report
    expect(r.report.results[0]!.app.package).toMatch(/^com\.example\./);
    expect(r.run.simulated).toBe(simulated);
  }

  it('the app crashes at login', async () => {
    const r = await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 'c-')), SECURE), simulation: { crashOn: 'login' }, label: 'crash' });
    await expectStopped(r, /^login › log in: wait for the loggedIn marker: /, /the app is not running \(it crashed or closed\)/);
    expect(r.run.probes.map((p) => [p.name, p.verdict])).toEqual([['baseline', 'pass'], ['login', 'inconclusive']]);
    const last = r.run.probes[1]!.steps.at(-1)!;
    expect(last.error).toMatch(/crashed/);
    expect(existsSync(path.join(r.out, last.screenshot!))).toBe(true);
    expect(existsSync(path.join(r.out, last.pageSource!))).toBe(true);
  }, T);

  it('the device is lost mid-run', async () => {
    const r = await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 'c-')), SECURE), simulation: { disconnectAfter: 60 }, label: 'lost' });
    await expectStopped(r, /^\w[\w-]* › .+: /, /is no longer reachable \(device lost\)/);
    expect(r.run.probes.length).toBeGreaterThan(1);
  }, T);

  it('a selector that never appears (a wrong loggedIn marker)', async () => {
    const f = flowFile(mkdtempSync(path.join(dir, 'c-')), SECURE).replace(/flow\.yml$/, 'flow.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('loggedIn: { id: invoices_title }', 'loggedIn: { id: dashboard }'));
    const r = await runStage({ apk: APKS.secure, server, flow: f, label: 'selector' });
    await expectStopped(r, /^login › log in: wait for the loggedIn marker: /, /the loggedIn marker \(id=dashboard\) did not appear within 3 s/);
    const last = r.run.probes[1]!.steps.at(-1)!;
    expect(readFileSync(path.join(r.out, last.pageSource!), 'utf8')).toContain('invoices_title');
  }, T);

  it('a bad flow file', async () => {
    const f = path.join(mkdtempSync(path.join(dir, 'c-')), 'flow.yml');
    writeFileSync(f, 'login:\n  steps:\n    - tap: { id: login }\n    - action: tap\n      selector: { css: "#go" }\nlogout: { steps: [back] }\nloggedIn: { id: a }\nloggedOut: { id: b }\n');
    const r = await runStage({ apk: APKS.secure, server, flow: f, label: 'badflow' });
    await expectStopped(r, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: `), /login\.steps\[1\]\.selector: unknown strategy "css"$/);
    expect(r.run.probes).toEqual([]);
  }, T);

  it('the Appium server cannot be reached', async () => {
    const port = await freePort();
    const r = await runStage({ apk: APKS.secure, appiumUrl: `http://127.0.0.1:${port}`, flow: flowFile(mkdtempSync(path.join(dir, 'c-')), SECURE), label: 'unreachable' });
    await expectStopped(r, /^connect to Appium: /, new RegExp(`cannot reach the Appium server at http://127\\.0\\.0\\.1:${port}`));
  }, T);

  it('no driver for the automationName', async () => {
    const r = await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 'c-')), SECURE), label: 'nodriver', extraCaps: ['appium:automationName=NoSuchDriver'] });
    // Nothing ran on the simulated device: the run asked for another automationName.
    await expectStopped(r, /^connect to Appium: /, /has no driver for automationName "NoSuchDriver"/, false);
  }, T);

  it('Ctrl-C keeps the evidence and says where it stopped (exit 130)', async () => {
    const ac = new AbortController();
    const lines: string[] = [];
    const probe = PROBES.map((p) => ({ ...p, run: async (ctx: Parameters<typeof p.run>[0]) => {
      if (p.name === 'relaunch') setTimeout(() => ac.abort(), 0);
      return p.run(ctx);
    } }));
    const r = await runStage({ apk: APKS.secure, server, flow: flowFile(mkdtempSync(path.join(dir, 'c-')), SECURE), label: 'sigint', signal: ac.signal, probes: probe });
    lines.push(...r.lines);
    expect(r.outcome.exitCode).toBe(130);
    expect(r.outcome.error).toMatch(/^relaunch › .*: interrupted \(Ctrl-C\)$/);
    expect(r.run.stoppedAt).toBe(r.outcome.error);
    expect(r.run.probes.map((p) => p.verdict)).toEqual(['pass', 'pass', 'pass', 'inconclusive']);
  }, T);
});

describe('autopilot, default server, CLI', () => {
  it('without a flow file: finds login and logout, writes a reusable flow, reaches the same verdicts', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sessionscope-e2e-auto-'));
    const r = await runStage({ apk: APKS.secure, server, flow: null, label: 'autopilot', out });
    console.log(`--- progress (secure-invoice, autopilot, SIMULATED) ---\n${r.lines.join('\n')}`);
    expect(r.outcome.error).toBeNull();
    expect(r.verdicts).toMatchObject({ baseline: 'pass', login: 'pass', logout: 'pass', relaunch: 'pass', 'back-navigation': 'pass', reinstall: 'pass' });
    expect(r.run.flow).toMatchObject({ source: 'autopilot', written: 'flow.yml' });
    const yaml = readFileSync(path.join(out, 'flow.yml'), 'utf8');
    expect(yaml).toContain('${env:SESSIONSCOPE_PASSWORD}');
    expect(yaml).not.toContain(CREDS.SESSIONSCOPE_PASSWORD);
    const f = parseFlow(yaml, 'flow.yml', { env: CREDS });
    expect(f.loggedIn).toEqual([{ strategy: 'id', value: 'logout' }]);
    expect(f.logout).toMatchObject([{ action: 'tap', selector: { strategy: 'id', value: 'logout' } }]);
    expectNoCredentials(r);
    // the written flow runs as a flow file
    const again = await runStage({ apk: APKS.secure, server, flow: path.join(out, 'flow.yml'), label: 'autopilot-again' });
    expect(again.verdicts).toEqual(r.verdicts);
    // an existing file is not overwritten without --force
    const mine = path.join(out, 'my-flow.yml');
    writeFileSync(mine, '# mine\n');
    const third = await runStage({ apk: APKS.secure, server, flow: null, label: 'autopilot-keep', writeFlow: mine, probes: PROBES.slice(0, 3) });
    expect(readFileSync(mine, 'utf8')).toBe('# mine\n');
    expect(third.lines.join('\n')).toMatch(/the flow file was not written: .*not overwritten \(use --force\)/);
  }, T);

  it('the autopilot needs the credentials in the environment', async () => {
    const r = await runStage({ apk: APKS.secure, server, flow: null, label: 'autopilot-noenv', env: {} });
    expect(r.outcome.exitCode).toBe(2);
    expect(r.outcome.error).toBe('load the flow: without --flow the autopilot types the credentials from SESSIONSCOPE_USER and SESSIONSCOPE_PASSWORD; SESSIONSCOPE_USER is not set');
  }, T);

  it('starts and stops the project\'s own Appium server when no --appium-url is given; the Appium log holds no credential', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sessionscope-e2e-own-'));
    const r = await runStage({ apk: APKS.insecure, flow: flowFile(mkdtempSync(path.join(dir, 'o-')), INSECURE), label: 'own-server', out, probes: PROBES.slice(0, 3) });
    expect(r.outcome.error).toBeNull();
    expect(r.run.appium).toMatchObject({ startedByUs: true, log: 'appium.log' });
    const log = readFileSync(path.join(out, 'appium.log'), 'utf8');
    expect(log).toContain('[masked]');
    expect(log).not.toContain(CREDS.SESSIONSCOPE_PASSWORD);
    expect(log).not.toContain(CREDS.SESSIONSCOPE_USER);
    expect(r.lines.some((l) => /setup › Appium server started at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/.test(l))).toBe(true);
    const pid = Number(/\(pid (\d+)\)/.exec(r.lines.join('\n'))![1]);
    expect(() => process.kill(pid, 0)).toThrow();
  }, T);

  it('sessionscope dynamic: the command prints the report and sets the exit code', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sessionscope-e2e-cli-'));
    const f = flowFile(mkdtempSync(path.join(dir, 'cli-')), INSECURE);
    let code = -1;
    const program = new Command().exitOverride();
    registerDynamic(program, (c) => (code = c));
    const writes: string[] = [];
    const errs: string[] = [];
    const ow = process.stdout.write.bind(process.stdout);
    const oe = process.stderr.write.bind(process.stderr);
    const saved = { ...process.env };
    Object.assign(process.env, CREDS);
    process.stdout.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    try {
      await program.parseAsync(['dynamic', APKS.insecure, '--flow', f, '--appium-url', server.url, '--capability', 'appium:automationName=SimAndroid', '--capability', 'appium:udid=sim-cli-1', '--out', out, '--format', 'markdown', '--fail-on', 'critical'], { from: 'user' });
    } finally {
      process.stdout.write = ow;
      process.stderr.write = oe;
      process.env = saved;
    }
    expect(code).toBe(1); // the plaintext password is critical
    expect(writes.join('')).toMatch(/### Dynamic run \(simulated device\)/);
    expect(errs.join('')).toMatch(/\[9\/9\] revocation/);
    expect(errs.join('')).toContain(`report: ${path.join(out, 'report.json')}`);
    expect(existsSync(path.join(out, 'report.md'))).toBe(true);
    // --help: the options and the examples
    const help = new Command().exitOverride().configureOutput({ writeOut: (t) => writes.push(t), writeErr: (t) => writes.push(t) });
    registerDynamic(help, () => {});
    writes.length = 0;
    await expect(help.parseAsync(['dynamic', '--help'], { from: 'user' })).rejects.toMatchObject({ exitCode: 0 });
    const text = writes.join('');
    expect(text).toMatch(/--capability <k=v>/);
    expect(text).toMatch(/Examples:\n {2}\$ export SESSIONSCOPE_USER=/);
    expect(text).toMatch(/Exit codes: 0 no finding/);
  }, T);
});
