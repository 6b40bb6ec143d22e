/**
 * The flow file: how to log in and out of the app under test, how to tell the two states apart,
 * and (optionally) a request that replays a token against the server.
 *
 * YAML (JSON is YAML too), validated node by node so that every problem names the file, the line
 * and the path: `flow.yml:12: login.steps[2].selector: unknown strategy "css"`.
 *
 * Credentials are `${env:NAME}` references resolved from the environment when the file is loaded;
 * the resolved values are collected in `Flow.secrets` so that everything the stage prints or
 * stores can mask them. Nothing in this module ever puts a resolved value into a message.
 *
 * ```yaml
 * app: { package: com.example.invoice, activity: .LoginActivity }
 * login:
 *   steps:
 *     - { action: type, selector: { id: username }, text: "${env:SESSIONSCOPE_USER}" }
 *     - { action: type, selector: { id: password }, text: "${env:SESSIONSCOPE_PASSWORD}" }
 *     - { action: tap, selector: { id: login } }
 * logout:
 *   steps:
 *     - tap: { accessibilityId: More options }       # shorthand: the action is the key
 *     - tap: { text: Log out }
 * loggedIn: { id: invoices_title }                   # one selector or a list (any of them)
 * loggedOut: { id: login }
 * request:                                           # optional: server-side revocation probe
 *   method: GET
 *   url: https://api.example.com/v1/me
 *   headers: { Authorization: "Bearer ${token}" }
 * timeouts: { step: 15s, launch: 20s, command: 60s, backup: 2m }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify as yamlStringify, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import { UserError } from '../src/user-error.js';

export const STRATEGIES = ['id', 'accessibilityId', 'text', 'textContains', 'uiautomator', 'xpath', 'className'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface Selector {
  strategy: Strategy;
  value: string;
}

export const ACTIONS = ['tap', 'type', 'wait', 'back', 'scroll'] as const;
export type Action = (typeof ACTIONS)[number];

/** Text to type: the resolved value plus whether it came (partly) from the environment. */
export interface TypedText {
  value: string;
  /** True when the text contains an `${env:…}` reference: it is masked everywhere. */
  secret: boolean;
  /** Names of the environment variables referenced (safe to print). */
  env: string[];
}

export type Step =
  | { action: 'tap'; selector: Selector; line: number; optional: boolean }
  | { action: 'type'; selector: Selector; text: TypedText; line: number; optional: boolean }
  | { action: 'wait'; selector: Selector; timeoutMs: number | null; line: number; optional: boolean }
  | { action: 'back'; line: number; optional: boolean }
  | { action: 'scroll'; selector: Selector; maxSwipes: number; line: number; optional: boolean };

export interface RequestTemplate {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** Statuses that mean "the token was rejected" (default 401 and 403). */
  rejected: number[];
}

export interface Timeouts {
  /** How long a selector or marker may take to appear. */
  stepMs: number;
  /** How long the app may take to show either marker after a launch. */
  launchMs: number;
  /** Longest single Appium command. */
  commandMs: number;
  /** `bmgr backupnow` and restore. */
  backupMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { stepMs: 15_000, launchMs: 20_000, commandMs: 60_000, backupMs: 120_000 };

export interface Flow {
  /** The file it came from, or null for a flow built in memory (the autopilot). */
  file: string | null;
  app: { package: string | null; activity: string | null };
  login: Step[];
  logout: Step[];
  /** Any of these visible means "logged in". */
  loggedIn: Selector[];
  /** Any of these visible means "logged out". */
  loggedOut: Selector[];
  request: RequestTemplate | null;
  timeouts: Timeouts;
  /** Every resolved environment value (credentials): masked in all output. Never serialise. */
  secrets: string[];
}

export interface FlowIssue {
  line: number;
  path: string;
  message: string;
}

/** A flow file that cannot be used; `issues` lists every problem, the message shows the first. */
export class FlowError extends UserError {
  constructor(
    readonly file: string,
    readonly issues: FlowIssue[],
  ) {
    super(
      `${formatIssue(file, issues[0]!)}${issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''}`,
    );
  }

  /** Every problem, one per line. */
  get lines(): string[] {
    return this.issues.map((i) => formatIssue(this.file, i));
  }
}

export function formatIssue(file: string, i: FlowIssue): string {
  return `${file}:${i.line}:${i.path ? ` ${i.path}:` : ''} ${i.message}`;
}

/** Renders a selector for progress lines and step names (never contains typed text). */
export function describeSelector(s: Selector): string {
  return `${s.strategy}=${s.value.length > 60 ? `${s.value.slice(0, 57)}...` : s.value}`;
}

export function describeStep(s: Step): string {
  switch (s.action) {
    case 'back':
      return 'press back';
    case 'type':
      return `type ${s.text.secret ? `\${env:${s.text.env.join(',')}}` : `${s.text.value.length} chars`} into ${describeSelector(s.selector)}`;
    case 'tap':
      return `tap ${describeSelector(s.selector)}`;
    case 'wait':
      return `wait for ${describeSelector(s.selector)}`;
    case 'scroll':
      return `scroll to ${describeSelector(s.selector)}`;
  }
}

// ---------------------------------------------------------------- validation

interface Ctx {
  issues: FlowIssue[];
  lc: LineCounter;
  env: NodeJS.ProcessEnv;
  secrets: string[];
}

function lineOf(ctx: Ctx, node: YamlNode | Pair | null | undefined): number {
  const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as YamlNode | null)?.range : undefined;
  if (!range) return 1;
  return ctx.lc.linePos(range[0]).line;
}

function issue(ctx: Ctx, node: YamlNode | Pair | null | undefined, path: string, message: string): void {
  ctx.issues.push({ line: lineOf(ctx, node), path, message });
}

function typeName(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'empty' : typeof node.value === 'string' ? 'a string' : `a ${typeof node.value}`;
  return 'empty';
}

/** The pairs of a mapping keyed by their string key; reports non-string and unknown keys. */
function entries(ctx: Ctx, map: YAMLMap, path: string, known: readonly string[]): Map<string, Pair<YamlNode, YamlNode | null>> {
  const out = new Map<string, Pair<YamlNode, YamlNode | null>>();
  for (const pair of map.items as Pair<YamlNode, YamlNode | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : null;
    if (key === null) {
      issue(ctx, pair.key, path, 'keys must be plain names');
      continue;
    }
    if (!known.includes(key)) {
      issue(ctx, pair.key, path, `unknown key "${key}" (expected ${known.join(', ')})`);
      continue;
    }
    out.set(key, pair);
  }
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function str(ctx: Ctx, node: YamlNode | null | undefined, path: string, opts: { allowEmpty?: boolean } = {}): string | null {
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
    issue(ctx, node, path, `expected a string, found ${typeName(node)}`);
    return null;
  }
  const v = String(node.value);
  if (!opts.allowEmpty && v.trim() === '') {
    issue(ctx, node, path, 'must not be empty');
    return null;
  }
  return v;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/;

/** A duration: a number of milliseconds or "500ms", "15s", "2m". */
function duration(ctx: Ctx, node: YamlNode | null | undefined, path: string): number | null {
  if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value) && node.value > 0) return Math.round(node.value);
  const m = isScalar(node) && typeof node.value === 'string' ? DURATION.exec(node.value.trim()) : null;
  if (m) {
    const n = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
    if (n > 0) return Math.round(n);
  }
  issue(ctx, node, path, `expected a duration such as 15s, 500ms, 2m or a number of milliseconds, found ${isScalar(node) ? JSON.stringify(node.value) : typeName(node)}`);
  return null;
}

const STRATEGY_ALIASES: Record<string, Strategy> = {
  id: 'id',
  resourceId: 'id',
  'resource-id': 'id',
  accessibilityId: 'accessibilityId',
  'accessibility id': 'accessibilityId',
  'accessibility-id': 'accessibilityId',
  contentDesc: 'accessibilityId',
  'content-desc': 'accessibilityId',
  text: 'text',
  textContains: 'textContains',
  uiautomator: 'uiautomator',
  '-android uiautomator': 'uiautomator',
  xpath: 'xpath',
  className: 'className',
  class: 'className',
};

/** `{ id: login }`, or the string form `id=login` / `xpath=//…`. */
export function selector(ctx: Ctx, node: YamlNode | null | undefined, path: string): Selector | null {
  if (isScalar(node) && typeof node.value === 'string') {
    const eq = node.value.indexOf('=');
    const name = eq > 0 ? node.value.slice(0, eq).trim() : '';
    if (!name) {
      issue(ctx, node, path, `expected a selector such as { id: login } or "id=login", found "${node.value}"`);
      return null;
    }
    const strategy = STRATEGY_ALIASES[name];
    if (!strategy) {
      issue(ctx, node, path, `unknown strategy "${name}"`);
      return null;
    }
    const value = node.value.slice(eq + 1);
    if (!value.trim()) {
      issue(ctx, node, path, `${name}: the value must not be empty`);
      return null;
    }
    return { strategy, value };
  }
  if (!isMap(node)) {
    issue(ctx, node, path, `expected a selector such as { id: login }, found ${typeName(node)}`);
    return null;
  }
  const pairs = node.items as Pair<YamlNode, YamlNode | null>[];
  if (pairs.length !== 1) {
    issue(ctx, node, path, `a selector has exactly one strategy, found ${pairs.length}`);
    return null;
  }
  const pair = pairs[0]!;
  const name = isScalar(pair.key) ? String(pair.key.value) : '';
  const strategy = STRATEGY_ALIASES[name];
  if (!strategy) {
    issue(ctx, pair.key, path, `unknown strategy "${name}"`);
    return null;
  }
  const value = str(ctx, pair.value, `${path}.${name}`);
  if (value === null) return null;
  if (strategy === 'xpath' && !value.startsWith('/') && !value.startsWith('(')) {
    issue(ctx, pair.value, `${path}.${name}`, 'an XPath starts with "/" or "("');
    return null;
  }
  return { strategy, value };
}

function selectors(ctx: Ctx, node: YamlNode | null | undefined, path: string): Selector[] {
  if (isSeq(node)) {
    if (node.items.length === 0) issue(ctx, node, path, 'needs at least one selector');
    return (node.items as YamlNode[]).map((n, i) => selector(ctx, n, `${path}[${i}]`)).filter((s): s is Selector => s !== null);
  }
  const s = selector(ctx, node, path);
  return s ? [s] : [];
}

const ENV_REF = /\$\{([^}]*)\}/g;

/** Resolves `${env:NAME}` references; any other `${…}` is an error. */
function text(ctx: Ctx, node: YamlNode | null | undefined, path: string, allowToken = false): TypedText | null {
  const raw = str(ctx, node, path, { allowEmpty: false });
  if (raw === null) return null;
  const env: string[] = [];
  let ok = true;
  const value = raw.replace(ENV_REF, (whole, inner: string) => {
    const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner.trim());
    if (m) {
      const v = ctx.env[m[1]!];
      if (v === undefined || v === '') {
        issue(ctx, node, path, `environment variable ${m[1]} is not set`);
        ok = false;
        return '';
      }
      env.push(m[1]!);
      ctx.secrets.push(v);
      return v;
    }
    if (allowToken && inner.trim() === 'token') return whole;
    issue(ctx, node, path, `unknown reference "${whole}" (use \${env:NAME}${allowToken ? ' or ${token}' : ''})`);
    ok = false;
    return '';
  });
  return ok ? { value, secret: env.length > 0, env } : null;
}

const STEP_KEYS: Record<Action, readonly string[]> = {
  tap: ['action', 'selector', 'optional'],
  type: ['action', 'selector', 'text', 'optional'],
  wait: ['action', 'selector', 'timeout', 'optional'],
  back: ['action', 'optional'],
  scroll: ['action', 'selector', 'maxSwipes', 'optional'],
};

function step(ctx: Ctx, node: YamlNode | null | undefined, path: string): Step | null {
  const line = lineOf(ctx, node);
  // `- back`
  if (isScalar(node) && typeof node.value === 'string' && node.value === 'back') return { action: 'back', line, optional: false };
  if (!isMap(node)) {
    issue(ctx, node, path, `expected a step such as { action: tap, selector: { id: login } }, found ${typeName(node)}`);
    return null;
  }
  const pairs = node.items as Pair<YamlNode, YamlNode | null>[];
  const keyOf = (p: Pair<YamlNode, YamlNode | null>): string => (isScalar(p.key) ? String(p.key.value) : '');
  const actionPair = pairs.find((p) => keyOf(p) === 'action');
  let action: Action;
  let selectorNode: YamlNode | null | undefined;
  let selectorPath: string;
  let rest: Pair<YamlNode, YamlNode | null>[];
  if (actionPair) {
    const a = str(ctx, actionPair.value, `${path}.action`);
    if (a === null) return null;
    if (!(ACTIONS as readonly string[]).includes(a)) {
      issue(ctx, actionPair.value, `${path}.action`, `unknown action "${a}" (expected ${ACTIONS.join(', ')})`);
      return null;
    }
    action = a as Action;
    selectorNode = pairs.find((p) => keyOf(p) === 'selector')?.value;
    selectorPath = `${path}.selector`;
    rest = pairs;
  } else {
    // Shorthand: `- tap: { id: login }` (the action is the key, its value the selector).
    const head = pairs.filter((p) => (ACTIONS as readonly string[]).includes(keyOf(p)));
    if (head.length !== 1) {
      issue(ctx, node, path, head.length ? `a step has one action, found ${head.map(keyOf).join(' and ')}` : `a step needs an action (${ACTIONS.join(', ')})`);
      return null;
    }
    action = keyOf(head[0]!) as Action;
    selectorNode = head[0]!.value;
    selectorPath = `${path}.${action}`;
    rest = pairs.filter((p) => p !== head[0]);
  }
  const known = actionPair ? STEP_KEYS[action] : STEP_KEYS[action].filter((k) => k !== 'action' && k !== 'selector');
  const map = new Map<string, Pair<YamlNode, YamlNode | null>>();
  for (const p of rest) {
    const k = keyOf(p);
    if (!known.includes(k)) {
      issue(ctx, p.key, path, `unknown key "${k}" for a ${action} step (expected ${[...(actionPair ? [] : [action]), ...known].join(', ')})`);
      continue;
    }
    map.set(k, p);
  }
  let optional = false;
  const opt = map.get('optional');
  if (opt) {
    if (isScalar(opt.value) && typeof opt.value.value === 'boolean') optional = opt.value.value;
    else issue(ctx, opt.value, `${path}.optional`, `expected true or false, found ${typeName(opt.value)}`);
  }
  if (action === 'back') {
    if (!actionPair && !(isScalar(selectorNode) && (selectorNode.value === true || selectorNode.value === null))) {
      issue(ctx, selectorNode, selectorPath, 'write "- back" or "- back: true"');
      return null;
    }
    return { action, line, optional };
  }
  if (selectorNode === undefined) {
    issue(ctx, node, path, `a ${action} step needs a selector`);
    return null;
  }
  const sel = selector(ctx, selectorNode, selectorPath);
  switch (action) {
    case 'tap':
      return sel ? { action, selector: sel, line, optional } : null;
    case 'type': {
      const t = map.get('text');
      if (!t) {
        issue(ctx, node, path, 'a type step needs text (use "${env:NAME}" for credentials)');
        return null;
      }
      const value = text(ctx, t.value, `${path}.text`);
      return sel && value ? { action, selector: sel, text: value, line, optional } : null;
    }
    case 'wait': {
      const t = map.get('timeout');
      const ms = t ? duration(ctx, t.value, `${path}.timeout`) : null;
      return sel && (!t || ms !== null) ? { action, selector: sel, timeoutMs: ms, line, optional } : null;
    }
    case 'scroll': {
      const t = map.get('maxSwipes');
      let maxSwipes = 10;
      if (t) {
        if (isScalar(t.value) && Number.isInteger(t.value.value) && (t.value.value as number) > 0 && (t.value.value as number) <= 100) maxSwipes = t.value.value as number;
        else {
          issue(ctx, t.value, `${path}.maxSwipes`, 'expected a whole number from 1 to 100');
          return null;
        }
      }
      return sel ? { action, selector: sel, maxSwipes, line, optional } : null;
    }
  }
}

function steps(ctx: Ctx, node: YamlNode | null | undefined, path: string): Step[] {
  if (!isMap(node)) {
    issue(ctx, node, path, `expected a mapping with "steps", found ${typeName(node)}`);
    return [];
  }
  const e = entries(ctx, node, path, ['steps']);
  const s = e.get('steps');
  if (!s) {
    issue(ctx, node, path, 'needs "steps"');
    return [];
  }
  if (!isSeq(s.value) || s.value.items.length === 0) {
    issue(ctx, s.value ?? s, `${path}.steps`, isSeq(s.value) ? 'needs at least one step' : `expected a list of steps, found ${typeName(s.value)}`);
    return [];
  }
  return (s.value.items as YamlNode[]).map((n, i) => step(ctx, n, `${path}.steps[${i}]`)).filter((x): x is Step => x !== null);
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

function request(ctx: Ctx, node: YamlNode | null | undefined, path: string): RequestTemplate | null {
  if (!isMap(node)) {
    issue(ctx, node, path, `expected a mapping with method, url and headers, found ${typeName(node)}`);
    return null;
  }
  const e = entries(ctx, node, path, ['method', 'url', 'headers', 'body', 'rejected']);
  let method = 'GET';
  const m = e.get('method');
  if (m) {
    const v = str(ctx, m.value, `${path}.method`);
    if (v !== null && !METHODS.includes(v.toUpperCase())) issue(ctx, m.value, `${path}.method`, `unknown method "${v}" (expected ${METHODS.join(', ')})`);
    else if (v !== null) method = v.toUpperCase();
  }
  const u = e.get('url');
  let url: string | null = null;
  if (!u) issue(ctx, node, path, 'needs "url"');
  else {
    const t = text(ctx, u.value, `${path}.url`, true);
    if (t) {
      try {
        const parsed = new URL(t.value.replace(/\$\{token\}/g, 'TOKEN'));
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') issue(ctx, u.value, `${path}.url`, `expected an http or https URL, found ${parsed.protocol}`);
        else url = t.value;
      } catch {
        issue(ctx, u.value, `${path}.url`, 'not a valid URL');
      }
    }
  }
  const headers: Record<string, string> = {};
  const h = e.get('headers');
  if (h) {
    if (!isMap(h.value)) issue(ctx, h.value, `${path}.headers`, `expected a mapping of header names to values, found ${typeName(h.value)}`);
    else
      for (const p of h.value.items as Pair<YamlNode, YamlNode | null>[]) {
        const name = isScalar(p.key) ? String(p.key.value) : '';
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
          issue(ctx, p.key, `${path}.headers`, `"${name}" is not a valid header name`);
          continue;
        }
        const t = text(ctx, p.value, `${path}.headers.${name}`, true);
        if (t) headers[name] = t.value;
      }
  }
  let body: string | null = null;
  const b = e.get('body');
  if (b) body = text(ctx, b.value, `${path}.body`, true)?.value ?? null;
  let rejected = [401, 403];
  const r = e.get('rejected');
  if (r) {
    const items = isSeq(r.value) ? (r.value.items as YamlNode[]) : [r.value];
    const codes = items.map((n) => (isScalar(n) && Number.isInteger(n.value) && (n.value as number) >= 100 && (n.value as number) <= 599 ? (n.value as number) : null));
    if (codes.some((c) => c === null) || codes.length === 0) issue(ctx, r.value, `${path}.rejected`, 'expected HTTP status codes (100-599)');
    else rejected = codes as number[];
  }
  if (url === null) return null;
  const all = [url, body ?? '', ...Object.values(headers)].join('\n');
  if (!all.includes('${token}')) {
    issue(ctx, node, path, 'the request must use ${token} in url, headers or body');
    return null;
  }
  return { method, url, headers, body, rejected };
}

function timeouts(ctx: Ctx, node: YamlNode | null | undefined, path: string): Timeouts {
  const t: Timeouts = { ...DEFAULT_TIMEOUTS };
  if (!isMap(node)) {
    issue(ctx, node, path, `expected a mapping (step, launch, command, backup), found ${typeName(node)}`);
    return t;
  }
  const e = entries(ctx, node, path, ['step', 'launch', 'command', 'backup']);
  for (const [k, p] of e) {
    const ms = duration(ctx, p.value, `${path}.${k}`);
    if (ms !== null) t[`${k}Ms` as keyof Timeouts] = ms;
  }
  return t;
}

const PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

export interface ParseOptions {
  /** Where credentials are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Parses and validates flow text; throws FlowError listing every problem. */
export function parseFlow(source: string, file: string, opts: ParseOptions = {}): Flow {
  const lc = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const ctx: Ctx = { issues: [], lc, env: opts.env ?? process.env, secrets: [] };
  if (doc.errors.length) {
    throw new FlowError(
      file,
      doc.errors.map((e) => ({ line: lc.linePos(e.pos[0]).line, path: '', message: `YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` })),
    );
  }
  const root = doc.contents as YamlNode | null;
  if (!isMap(root)) {
    throw new FlowError(file, [{ line: lineOf(ctx, root) || 1, path: '', message: `expected a mapping with app, login, logout, loggedIn and loggedOut, found ${typeName(root)}` }]);
  }
  const e = entries(ctx, root, '', ['app', 'login', 'logout', 'loggedIn', 'loggedOut', 'request', 'timeouts']);
  const flow: Flow = {
    file,
    app: { package: null, activity: null },
    login: [],
    logout: [],
    loggedIn: [],
    loggedOut: [],
    request: null,
    timeouts: { ...DEFAULT_TIMEOUTS },
    secrets: ctx.secrets,
  };
  const app = e.get('app');
  if (app) {
    if (!isMap(app.value)) issue(ctx, app.value ?? app, 'app', `expected a mapping with package and activity, found ${typeName(app.value)}`);
    else {
      const a = entries(ctx, app.value, 'app', ['package', 'activity']);
      const p = a.get('package');
      if (p) {
        const v = str(ctx, p.value, 'app.package');
        if (v !== null && !PACKAGE.test(v)) issue(ctx, p.value, 'app.package', `"${v}" is not a package name`);
        else flow.app.package = v;
      }
      const act = a.get('activity');
      if (act) flow.app.activity = str(ctx, act.value, 'app.activity');
    }
  }
  for (const key of ['login', 'logout'] as const) {
    const p = e.get(key);
    if (!p) issue(ctx, root, '', `missing "${key}" (the steps that ${key === 'login' ? 'log in' : 'log out'})`);
    else flow[key] = steps(ctx, p.value, key);
  }
  for (const key of ['loggedIn', 'loggedOut'] as const) {
    const p = e.get(key);
    if (!p) issue(ctx, root, '', `missing "${key}" (a selector visible only when ${key === 'loggedIn' ? 'logged in' : 'logged out'})`);
    else flow[key] = selectors(ctx, p.value, key);
  }
  const r = e.get('request');
  if (r) flow.request = request(ctx, r.value, 'request');
  const t = e.get('timeouts');
  if (t) flow.timeouts = timeouts(ctx, t.value, 'timeouts');
  if (ctx.issues.length) {
    ctx.issues.sort((a, b) => a.line - b.line);
    throw new FlowError(file, ctx.issues);
  }
  return flow;
}

export async function loadFlow(path: string, opts: ParseOptions = {}): Promise<Flow> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'no such flow file' : code === 'EISDIR' ? 'is a directory, not a flow file' : `cannot read (${code ?? (err as Error).message})`}`);
  }
  return parseFlow(source, path, opts);
}

// ---------------------------------------------------------------- writing (autopilot)

/** What the autopilot found, before credentials are resolved: env names instead of values. */
export interface FlowDraft {
  app: { package: string; activity: string | null };
  login: DraftStep[];
  logout: DraftStep[];
  loggedIn: Selector[];
  loggedOut: Selector[];
}

export type DraftStep =
  | { action: 'tap' | 'wait' | 'scroll'; selector: Selector }
  | { action: 'type'; selector: Selector; env: string }
  | { action: 'back' };

function selectorYaml(s: Selector): Record<string, string> {
  return { [s.strategy]: s.value };
}

function stepYaml(s: DraftStep): Record<string, unknown> {
  if (s.action === 'back') return { action: 'back' };
  if (s.action === 'type') return { action: 'type', selector: selectorYaml(s.selector), text: `\${env:${s.env}}` };
  return { action: s.action, selector: selectorYaml(s.selector) };
}

/** The flow file text for a draft: YAML with a comment header, credentials as env references. */
export function flowToYaml(d: FlowDraft, note: string[] = []): string {
  const obj = {
    app: { package: d.app.package, ...(d.app.activity ? { activity: d.app.activity } : {}) },
    login: { steps: d.login.map(stepYaml) },
    logout: { steps: d.logout.map(stepYaml) },
    loggedIn: d.loggedIn.length === 1 ? selectorYaml(d.loggedIn[0]!) : d.loggedIn.map(selectorYaml),
    loggedOut: d.loggedOut.length === 1 ? selectorYaml(d.loggedOut[0]!) : d.loggedOut.map(selectorYaml),
  };
  return `${[
    '# sessionscope flow file, written by the autopilot. Edit it and pass it back with --flow.',
    '# Credentials are read from the environment (never write them here).',
    ...note.map((n) => `# ${n}`),
    '# Optional server-side revocation probe:',
    '# request:',
    '#   method: GET',
    '#   url: https://api.example.com/v1/me',
    '#   headers: { Authorization: "Bearer ${token}" }',
  ].join('\n')}\n${yamlStringify(obj)}`;
}


/** Resolves a draft into a runnable flow (credentials from `env`). */
export function draftToFlow(d: FlowDraft, env: NodeJS.ProcessEnv = process.env): Flow {
  return parseFlow(flowToYaml(d), '(autopilot)', { env });
}
