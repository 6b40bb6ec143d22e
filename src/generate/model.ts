/**
 * What `sessionscope generate` emits, decided from a dynamic report: reads report.json, checks
 * that it is a report of `sessionscope dynamic` with the replay data the generator needs, and
 * picks one regression test per property the run checked.
 *
 * The report is untrusted input: every field used later is type-checked here, and the emitters
 * only ever put report strings into generated code as JSON string literals.
 *
 * Probes that were inconclusive in the run are left out (a test for something the run never
 * observed could not be trusted to pass or fail for the right reason); the generated README names
 * them and says why. A run that stopped early yields tests for the probes that finished.
 */
import { readFile, stat } from 'node:fs/promises';
import { MAX_REPORT_BYTES } from '../report/load.js';
import { DYNAMIC_RULES } from '../../dynamic/findings.js';
import { ACTIONS, STRATEGIES, type Selector } from '../../dynamic/flow.js';
import type { Replay, ReplayStep } from '../../dynamic/report.js';
import { UserError } from '../user-error.js';

export class GenerateInputError extends UserError {}

/** One property a generated test checks: from a probe of the dynamic stage. */
export interface PropertySpec {
  probe: string;
  /** The test's name. */
  title: string;
  /** The dynamic rule whose id starts the assertion message. */
  ruleId: string;
  /** The exported function in properties.ts that checks it. */
  fn: string;
  /** What the test does, for the README. */
  explains: string;
}

export const PROPERTIES: readonly PropertySpec[] = [
  { probe: 'login', title: 'no plaintext token after login', ruleId: 'plaintext-session-storage', fn: 'noPlaintextTokenAfterLogin',
    explains: 'logs in, sends the app to the background, then reads every file of the app sandbox and the shared-storage files changed since the test started; fails on a JWT, a bearer token or the typed password found in plaintext (external-storage-session when on shared storage).' },
  { probe: 'logout', title: 'logout clears the session', ruleId: 'logout-leaves-session', fn: 'logoutClearsTheSession',
    explains: 'logs in, reads the session values at the places the recorded run found them (and any JWT or typed password anywhere), logs out, and fails when any of those values is still anywhere in the sandbox or on shared storage.' },
  { probe: 'relaunch', title: 'relaunch shows the login screen', ruleId: 'ghost-login', fn: 'relaunchShowsTheLoginScreen',
    explains: 'logs in and out, force-stops and starts the app, and fails when it opens logged in.' },
  { probe: 'back-navigation', title: 'back navigation after logout shows nothing private', ruleId: 'back-navigation-after-logout', fn: 'backNavigationAfterLogoutShowsNothingPrivate',
    explains: 'logs in and out, presses back, then starts each exported activity directly as another app could; fails when a post-login screen shows.' },
  { probe: 'rotation', title: 'the token rotates on each login', ruleId: 'token-not-rotated', fn: 'theTokenRotatesOnEachLogin',
    explains: 'logs in twice (logging out between) and fails when a session value from the first login is still there, unchanged, after the second.' },
  { probe: 'reinstall', title: 'reinstall does not restore the session', ruleId: 'reinstall-restores-session', fn: 'reinstallDoesNotRestoreTheSession',
    explains: 'logs in, backs the app up with bmgr over the local transport, uninstalls and reinstalls it, and fails when it opens logged in or the session values are back in the sandbox.' },
];

for (const p of PROPERTIES) if (!DYNAMIC_RULES.has(p.ruleId)) throw new Error(`unknown dynamic rule ${p.ruleId}`);

export interface Omitted {
  probe: string;
  title: string;
  why: string;
}

export interface GenerateModel {
  /** The report file, as given. */
  source: string;
  replay: Replay;
  app: { package: string; versionName: string | null; versionCode: number | null };
  run: { simulated: boolean; startedAt: string; automationName: string; toolVersion: string; stoppedAt: string | null };
  tests: (PropertySpec & { verdict: 'pass' | 'fail' })[];
  omitted: Omitted[];
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function selectorOf(v: unknown): Selector | null {
  if (!isObj(v) || !isStr(v.value) || v.value === '' || !(STRATEGIES as readonly unknown[]).includes(v.strategy)) return null;
  return { strategy: v.strategy as Selector['strategy'], value: v.value };
}

function stepOf(v: unknown): ReplayStep | null {
  if (!isObj(v) || !(ACTIONS as readonly unknown[]).includes(v.action)) return null;
  const optional = v.optional === true;
  if (v.action === 'back') return { action: 'back', optional };
  const selector = selectorOf(v.selector);
  if (!selector) return null;
  if (v.action === 'type') return isStr(v.text) ? { action: 'type', selector, text: v.text, optional } : null;
  return { action: v.action as 'tap' | 'wait' | 'scroll', selector, optional };
}

function list<T>(v: unknown, each: (x: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null;
  const out = v.map(each);
  return out.every((x): x is T => x !== null) ? out : null;
}

const KINDS = ['jwt', 'bearer', 'opaque-token', 'password', 'credential', 'encrypted', 'session-id', 'account'];

/** The replay data, checked field by field; a string naming the first bad field otherwise. */
function replayOf(v: unknown): Replay | string {
  if (!isObj(v)) return 'no replay data (written by an older sessionscope; run sessionscope dynamic again)';
  if (!isStr(v.appPackage) || !/^[A-Za-z][\w]*(\.[A-Za-z_][\w]*)+$/.test(v.appPackage)) return 'replay.appPackage is not a package name';
  if (!isStr(v.apkPath)) return 'replay.apkPath is missing';
  const exported = list(v.exportedActivities, (x) => (isStr(x) && x !== '' ? x : null));
  if (!exported) return 'replay.exportedActivities is not a list of names';
  if (!isObj(v.capabilities)) return 'replay.capabilities is not an object';
  const f = v.flow;
  if (!isObj(f)) return 'replay.flow is missing';
  const login = list(f.login, stepOf);
  const logout = list(f.logout, stepOf);
  const loggedIn = list(f.loggedIn, selectorOf);
  const loggedOut = list(f.loggedOut, selectorOf);
  if (!login || !login.length) return 'replay.flow.login has no usable steps';
  if (!logout) return 'replay.flow.logout is not a list of steps';
  if (!loggedIn || !loggedIn.length || !loggedOut || !loggedOut.length) return 'replay.flow.loggedIn / loggedOut markers are missing';
  const ms = (x: unknown, d: number): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= 600_000 ? Math.round(x) : d);
  const values = list(v.sessionValues, (x) =>
    isObj(x) && (x.area === 'data' || x.area === 'shared' || x.area === 'accounts') && isStr(x.file) && (x.key === null || isStr(x.key)) && KINDS.includes(x.kind as string)
      ? { area: x.area as Replay['sessionValues'][number]['area'], file: x.file, key: x.key as string | null, kind: x.kind as Replay['sessionValues'][number]['kind'], plaintext: x.plaintext === true }
      : null,
  );
  if (!values) return 'replay.sessionValues is not a list of places';
  return {
    appPackage: v.appPackage,
    apkPath: v.apkPath,
    exportedActivities: exported,
    capabilities: v.capabilities,
    flow: { login, logout, loggedIn, loggedOut, stepMs: ms(f.stepMs, 15_000), launchMs: ms(f.launchMs, 20_000) },
    sessionValues: values,
  };
}

/** Reads and checks the report; throws GenerateInputError with a one-line message naming the file. */
export async function loadModel(file: string): Promise<GenerateModel> {
  let text: string;
  try {
    // The report is input like any other: capped as `sessionscope report` caps it (src/report/load.ts).
    const { size } = await stat(file);
    if (size > MAX_REPORT_BYTES) throw new GenerateInputError(`${file}: cannot read the report (${size} bytes is larger than a report can be, limit ${MAX_REPORT_BYTES})`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof GenerateInputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new GenerateInputError(`${file}: cannot read the report (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message)})`);
  }
  return modelOf(text, file);
}

export function modelOf(text: string, file: string): GenerateModel {
  const bad = (what: string): GenerateInputError => new GenerateInputError(`${file}: ${what}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad('not JSON; expected the report.json written by sessionscope dynamic');
  }
  if (!isObj(doc) || !isObj(doc.tool) || doc.tool.name !== 'sessionscope' || doc.schemaVersion !== 1 || !Array.isArray(doc.results)) {
    throw bad('not a sessionscope report (no tool.name "sessionscope", schemaVersion 1 and results)');
  }
  const result = doc.results[0];
  if (!isObj(result)) throw bad('the report has no results');
  const dyn = result.dynamic;
  if (dyn === null || dyn === undefined) throw bad('a static-only report (sessionscope scan); generate needs the report.json of sessionscope dynamic');
  if (!isObj(dyn) || !Array.isArray(dyn.probes) || !isObj(dyn.device)) throw bad('results[0].dynamic is not a dynamic run');
  const replay = replayOf(dyn.replay);
  if (typeof replay === 'string') throw bad(replay);
  const probes = new Map<string, { verdict: string; summary: string }>();
  for (const p of dyn.probes) if (isObj(p) && isStr(p.name) && isStr(p.verdict)) probes.set(p.name, { verdict: p.verdict, summary: isStr(p.summary) ? p.summary : '' });
  const stoppedAt = isStr(dyn.stoppedAt) ? dyn.stoppedAt : null;
  const tests: GenerateModel['tests'] = [];
  const omitted: Omitted[] = [];
  for (const spec of PROPERTIES) {
    const p = probes.get(spec.probe);
    if (p && (p.verdict === 'pass' || p.verdict === 'fail')) tests.push({ ...spec, verdict: p.verdict });
    else if (p) omitted.push({ probe: spec.probe, title: spec.title, why: `inconclusive in the recorded run: ${p.summary}` });
    else omitted.push({ probe: spec.probe, title: spec.title, why: stoppedAt ? 'not reached: the recorded run stopped early' : 'not run in the recorded run' });
  }
  if (!tests.length) {
    throw bad(`no property was checked in this run (${omitted.map((o) => `${o.probe}: ${o.why.split(':')[0]}`).join('; ')}); nothing to generate`);
  }
  const app = isObj(result.app) ? result.app : {};
  return {
    source: file,
    replay,
    app: {
      package: replay.appPackage,
      versionName: isStr(app.versionName) ? app.versionName : null,
      versionCode: typeof app.versionCode === 'number' ? app.versionCode : null,
    },
    run: {
      simulated: dyn.simulated === true,
      startedAt: isStr(dyn.startedAt) ? dyn.startedAt : 'unknown',
      automationName: isStr(dyn.device.automationName) ? dyn.device.automationName : 'UiAutomator2',
      toolVersion: isStr(doc.tool.version) ? doc.tool.version : 'unknown',
      stoppedAt,
    },
    tests,
    omitted,
  };
}
