/**
 * The generated TypeScript that depends on the report: selectors.ts (named locator constants),
 * flow.ts (login/logout replay with credentials from the environment), recorded.ts (what the run
 * learned), capabilities.ts (the run's capabilities, overridable by environment variables) and
 * the spec file for either runner.
 *
 * Every string that comes from the report goes into the code through `lit()` (JSON.stringify), so
 * quotes, backticks, `${`, newlines and comment ends in a hostile report stay inside string
 * literals. Identifiers are built from [A-Z0-9_] only.
 */
import { locator } from '../../dynamic/session.js';
import { describeSelector, type Selector } from '../../dynamic/flow.js';
import type { ReplayStep } from '../../dynamic/report.js';
import type { GenerateModel } from './model.js';
import { VERSION } from '../version.js';

/** A string or value as a TypeScript literal. */
export function lit(v: unknown): string {
  return JSON.stringify(v);
}

export type Runner = 'vitest' | 'wdio';

interface Named {
  name: string;
  using: string;
  value: string;
  strategy: Selector['strategy'];
}

function constantName(sel: Selector, fallback: string): string {
  const base = sel.strategy === 'id' || sel.strategy === 'accessibilityId' || sel.strategy === 'text' || sel.strategy === 'textContains'
    ? sel.value.replace(/^.*:id\//, '')
    : '';
  const name = base.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase().slice(0, 40);
  return /^[A-Z][A-Z0-9_]*$/.test(name) ? name : fallback;
}

/** Gives every distinct selector of the flow one constant; the same locator gets the same name. */
export class SelectorNames {
  readonly all: Named[] = [];

  constructor(private readonly pkg: string) {}

  of(sel: Selector, fallback: string): string {
    const { using, value } = locator(sel, this.pkg);
    const hit = this.all.find((n) => n.using === using && n.value === value);
    if (hit) return hit.name;
    let name = constantName(sel, fallback);
    for (let i = 2; this.all.some((n) => n.name === name) || name === 'LOGGED_IN' || name === 'LOGGED_OUT'; i++) name = `${constantName(sel, fallback)}_${i}`;
    this.all.push({ name, using, value, strategy: sel.strategy });
    return name;
  }
}

const PASSWORD_ENV = /pass|pwd|pin|secret/i;

function stepCode(s: ReplayStep, names: SelectorNames, fallback: string): string {
  if (s.action === 'back') return '  await d.back();';
  const name = `S.${names.of(s.selector, fallback)}`;
  const what = lit(describeSelector(s.selector));
  switch (s.action) {
    case 'tap':
      return s.optional ? `  if (await d.find(${name})) await d.tap(${name}, ${what});` : `  await d.tap(${name}, ${what});`;
    case 'type': {
      const password = [...s.text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].some((m) => PASSWORD_ENV.test(m[1]!));
      const call = `await d.type(${name}, ${what}, fromEnv(${lit(s.text)})${password ? ', { password: true }' : ''});`;
      return s.optional ? `  if (await d.find(${name})) ${call}` : `  ${call}`;
    }
    case 'wait':
    case 'scroll':
      // The recorded scroll is replayed as a wait: add a scroll gesture here if the screen needs one.
      return s.optional ? `  await d.find(${name});` : `  await d.waitFor([${name}], ${what});`;
  }
}

export interface FlowSources {
  selectors: string;
  flow: string;
}

/** flow.ts and selectors.ts together: the flow names the selectors it uses. */
export function emitFlow(m: GenerateModel): FlowSources {
  const f = m.replay.flow;
  const names = new SelectorNames(m.replay.appPackage);
  const login = f.login.map((s, i) => stepCode(s, names, `LOGIN_STEP_${i + 1}`));
  const logout = f.logout.map((s, i) => stepCode(s, names, `LOGOUT_STEP_${i + 1}`));
  const inMarkers = f.loggedIn.map((s, i) => names.of(s, `LOGGED_IN_MARKER_${i + 1}`));
  const outMarkers = f.loggedOut.map((s, i) => names.of(s, `LOGGED_OUT_MARKER_${i + 1}`));
  const selectors = [
    '/**',
    ' * The selectors of the app under test, as the sessionscope run recorded them (W3C locator',
    ' * strategy and value). Edit them here when the screens change.',
    ' */',
    'export interface Locator {',
    '  readonly using: string;',
    '  readonly value: string;',
    '}',
    '',
    ...names.all.flatMap((n) => [`/** ${n.strategy} selector */`, `export const ${n.name}: Locator = { using: ${lit(n.using)}, value: ${lit(n.value)} };`, '']),
    '/** Any of these visible means the app is logged in. */',
    `export const LOGGED_IN: readonly Locator[] = [${inMarkers.join(', ')}];`,
    '',
    '/** Any of these visible means the app shows its login screen. */',
    `export const LOGGED_OUT: readonly Locator[] = [${outMarkers.join(', ')}];`,
    '',
  ].join('\n');
  const flow = [
    '/**',
    ' * Login and logout, replayed as the sessionscope run recorded them. Credentials come from',
    ' * environment variables (${env:NAME} in the typed text); they never appear in this folder.',
    ' */',
    "import * as S from './selectors.js';",
    "import type { Device } from './support.js';",
    '',
    '/** Replaces each ${env:NAME} with that environment variable; a missing one stops the test naming it. */',
    'export function fromEnv(template: string): string {',
    '  return template.replace(/\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)\\}/g, (_, name: string) => {',
    '    const value = process.env[name];',
    "    if (!value) throw new Error('set the environment variable ' + name + ' (the login flow types it)');",
    '    return value;',
    '  });',
    '}',
    '',
    'export async function logIn(d: Device): Promise<void> {',
    ...login,
    "  await d.waitFor(S.LOGGED_IN, 'the logged-in screen (loggedIn marker) after login');",
    '}',
    '',
    'export async function logOut(d: Device): Promise<void> {',
    ...(logout.length ? logout : ["  throw new Error('the recorded flow has no logout steps: add them here');"]),
    "  await d.waitFor(S.LOGGED_OUT, 'the login screen (loggedOut marker) after logout');",
    '}',
    '',
  ].join('\n');
  return { selectors, flow };
}

/** Capabilities the tests set themselves or take from the environment, not from the recording. */
const OWN_CAPS = new Set(['appium:app', 'appium:udid', 'appium:appPackage', 'appium:noReset', 'appium:fullReset']);

export function emitRecorded(m: GenerateModel): string {
  const places = m.replay.sessionValues.map((p) => ({ area: p.area, file: p.file, key: p.key, kind: p.kind }));
  return [
    '/** What the recorded sessionscope run learned about the app (places only, never values). */',
    '',
    `export const PACKAGE = ${lit(m.replay.appPackage)};`,
    '',
    '/** The APK the run installed (on the machine of the run); SESSIONSCOPE_APK overrides it. */',
    `export const RECORDED_APK = ${lit(m.replay.apkPath)};`,
    '',
    '/** Exported activities other apps can start directly (checked after logout). */',
    `export const EXPORTED_ACTIVITIES: readonly string[] = ${lit(m.replay.exportedActivities)};`,
    '',
    'export interface SessionPlace {',
    "  area: 'data' | 'shared' | 'accounts';",
    '  /** Relative to the app data directory (data) or absolute (shared). */',
    '  file: string;',
    '  /** SharedPreferences key, or null for the whole file. */',
    '  key: string | null;',
    '  kind: string;',
    '}',
    '',
    '/** Where the run found session values after login: the tests read these places on the device. */',
    `export const SESSION_PLACES: readonly SessionPlace[] = ${lit(places)};`,
    '',
    '/** Milliseconds: a flow step, a launch, and the pause after backgrounding (SESSIONSCOPE_SETTLE_MS). */',
    `export const TIMEOUTS = { stepMs: ${m.replay.flow.stepMs}, launchMs: ${m.replay.flow.launchMs}, settleMs: Number(process.env.SESSIONSCOPE_SETTLE_MS) || 1000 };`,
    '',
  ].join('\n');
}

export function emitCapabilities(m: GenerateModel): string {
  const recorded = Object.fromEntries(Object.entries(m.replay.capabilities).filter(([k]) => !OWN_CAPS.has(k)));
  return [
    '/**',
    ' * Where the Appium server is and what session to ask it for: the capabilities of the recorded run,',
    ' * with the device and the APK from the environment.',
    ' *',
    ' *   APPIUM_URL                 the Appium server (default http://127.0.0.1:4723)',
    ' *   SESSIONSCOPE_APK           the APK to install (default: the one the run used)',
    ' *   ANDROID_SERIAL             the device (adb serial, e.g. emulator-5554)',
    ' *   SESSIONSCOPE_CAPABILITIES  JSON object merged over the capabilities below',
    ' */',
    "import { PACKAGE, RECORDED_APK } from './recorded.js';",
    '',
    `const RECORDED: Record<string, unknown> = ${JSON.stringify(recorded, null, 2)};`,
    '',
    'export function apkPath(): string {',
    '  return process.env.SESSIONSCOPE_APK || RECORDED_APK;',
    '}',
    '',
    'export function capabilities(): WebdriverIO.Capabilities {',
    '  const caps: Record<string, unknown> = {',
    '    ...RECORDED,',
    "    'appium:app': apkPath(),",
    "    'appium:appPackage': PACKAGE,",
    "    // Each test clears the app data itself; the session must not uninstall or clear it.",
    "    'appium:noReset': true,",
    "    'appium:fullReset': false,",
    '  };',
    "  if (process.env.ANDROID_SERIAL) caps['appium:udid'] = process.env.ANDROID_SERIAL;",
    '  if (process.env.SESSIONSCOPE_CAPABILITIES) Object.assign(caps, JSON.parse(process.env.SESSIONSCOPE_CAPABILITIES) as Record<string, unknown>);',
    '  return caps as WebdriverIO.Capabilities;',
    '}',
    '',
    "export function appiumServer(): { protocol: 'http' | 'https'; hostname: string; port: number; path: string } {",
    "  const url = new URL(process.env.APPIUM_URL || 'http://127.0.0.1:4723');",
    '  return {',
    "    protocol: url.protocol === 'https:' ? 'https' : 'http',",
    '    hostname: url.hostname,',
    "    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,",
    "    path: url.pathname || '/',",
    '  };',
    '}',
    '',
  ].join('\n');
}

function header(m: GenerateModel): string[] {
  return [
    '/**',
    ` * Session regression tests generated by sessionscope ${VERSION} from a dynamic run${m.run.simulated ? ' on a SIMULATED device' : ''}.`,
    ' * One test per property the run checked; the README says which and how to run them.',
    ' */',
  ];
}

function its(m: GenerateModel, arg: string): string[] {
  return m.tests.flatMap((t) => [
    `  // ${t.ruleId}; the recorded run: ${t.verdict === 'pass' ? 'passed' : 'FAILED (the app had this flaw)'}`,
    `  it(${lit(t.title)}, () => check.${t.fn}(${arg}));`,
  ]);
}

export function emitSpec(m: GenerateModel, runner: Runner): string {
  if (runner === 'vitest') {
    return [
      ...header(m),
      "import { afterAll, beforeAll, describe, it } from 'vitest';",
      "import { remote } from 'webdriverio';",
      "import { appiumServer, capabilities } from './capabilities.js';",
      "import * as check from './properties.js';",
      "import { PACKAGE, TIMEOUTS } from './recorded.js';",
      "import { Device } from './support.js';",
      '',
      'let device: Device;',
      '',
      'beforeAll(async () => {',
      "  const browser = await remote({ ...appiumServer(), capabilities: capabilities(), logLevel: 'warn' });",
      '  device = new Device(browser, PACKAGE, TIMEOUTS);',
      '});',
      '',
      'afterAll(async () => {',
      '  await device?.browser.deleteSession();',
      '});',
      '',
      "describe('session handling of ' + PACKAGE, () => {",
      ...its(m, 'device'),
      '});',
      '',
    ].join('\n');
  }
  return [
    ...header(m),
    "import { browser } from '@wdio/globals';",
    "import * as check from '../properties.js';",
    "import { PACKAGE, TIMEOUTS } from '../recorded.js';",
    "import { Device } from '../support.js';",
    '',
    "describe('session handling of ' + PACKAGE, () => {",
    '  let device: Device;',
    '',
    '  before(() => {',
    '    device = new Device(browser, PACKAGE, TIMEOUTS);',
    '  });',
    '',
    ...its(m, 'device'),
    '});',
    '',
  ].join('\n');
}
