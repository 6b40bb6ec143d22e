/**
 * The autopilot: runs the stage without a flow file by finding the login form and the logout
 * control on the screen, within a bounded number of actions, and writes what it found as a flow
 * file the user can edit and pass back with --flow.
 *
 * - Login: a password field (`password="true"` in the page source), the editable field before it
 *   (the user name), and a button whose text, description or id reads like "Log in", "Sign in",
 *   "Login", "Continue" or "Submit". When the first screen has no password field, it taps an entry
 *   button ("Log in", "Sign in", "Get started"…) and looks again.
 * - Logged in: after the login steps, the logout control if it is visible, else an element with a
 *   resource id (or text) that the login screen did not have.
 * - Logout: "Log out", "Sign out", "Logout" directly, else behind the overflow menu
 *   ("More options"), the navigation drawer ("Open navigation drawer"), or a settings, profile or
 *   account screen; a confirmation dialog is accepted.
 *
 * Credentials come from SESSIONSCOPE_USER and SESSIONSCOPE_PASSWORD; the file written holds
 * `${env:…}` references, never values.
 */
import { UserError } from '../src/user-error.js';
import { describeSelector, draftToFlow, flowToYaml, type DraftStep, type Flow, type FlowDraft, type Selector } from './flow.js';
import type { Recorder } from './recorder.js';
import type { Device } from './session.js';
import { Fault, sleep, type Ui } from './ui.js';

export interface UiNode {
  index: number;
  className: string;
  resourceId: string;
  text: string;
  contentDesc: string;
  hint: string;
  password: boolean;
  clickable: boolean;
  enabled: boolean;
  displayed: boolean;
  packageName: string;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

/** The elements of a UiAutomator2 page source, in document order. */
export function parseHierarchy(xml: string): UiNode[] {
  const out: UiNode[] = [];
  for (const m of xml.matchAll(/<([A-Za-z_][\w.$-]*)(\s[^<>]*?)?\/?>/g)) {
    const tag = m[1]!;
    if (tag === 'hierarchy' || tag === '?xml') continue;
    const attrs: Record<string, string> = {};
    for (const a of (m[2] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = unescapeXml(a[2]!);
    out.push({
      index: out.length,
      className: attrs.class ?? tag,
      resourceId: attrs['resource-id'] ?? '',
      text: attrs.text ?? '',
      contentDesc: attrs['content-desc'] ?? '',
      hint: attrs.hint ?? '',
      password: attrs.password === 'true',
      clickable: attrs.clickable === 'true',
      enabled: attrs.enabled !== 'false',
      displayed: attrs.displayed !== 'false',
      packageName: attrs.package ?? '',
    });
  }
  return out;
}

const LOGIN_WORDS = /^(log ?in|sign ?in|login|signin|continue|submit|next|go)$/i;
const ENTRY_WORDS = /^(log ?in|sign ?in|login|signin|get started|i already have an account|already have an account\??)$/i;
const LOGOUT_WORDS = /^(log ?out|sign ?out|logout|signout|log off|sign off)$/i;
const LOGOUT_ID = /(^|[/_])(log_?out|sign_?out|logoff)($|_)/i;
const LOGIN_ID = /(^|[/_])(log_?in|sign_?in|submit|continue)($|_)/i;
const MENU_DESC = [/^more options$/i, /^open navigation drawer$/i, /^(navigate up|open drawer|menu|navigation drawer)$/i];
const SECTION_WORDS = /^(settings|profile|account|my account|me|preferences)$/i;

function label(n: UiNode): string {
  return (n.text || n.contentDesc).trim();
}

function isEditable(n: UiNode): boolean {
  return /EditText|TextField|AutoCompleteTextView/i.test(n.className);
}

function idName(n: UiNode): string {
  return n.resourceId.replace(/^.*:id\//, '');
}

/** A selector that matches this node alone on the screen: resource id, accessibility id, text, else XPath. */
export function selectorFor(n: UiNode, nodes: readonly UiNode[], pkg: string): Selector {
  if (n.resourceId && nodes.filter((x) => x.resourceId === n.resourceId).length === 1) {
    return { strategy: 'id', value: n.resourceId.startsWith(`${pkg}:id/`) ? idName(n) : n.resourceId };
  }
  if (n.contentDesc && nodes.filter((x) => x.contentDesc === n.contentDesc).length === 1) return { strategy: 'accessibilityId', value: n.contentDesc };
  if (n.text && !n.password && nodes.filter((x) => x.text === n.text).length === 1) return { strategy: 'text', value: n.text };
  const same = nodes.filter((x) => x.className === n.className);
  const pos = same.indexOf(n) + 1;
  return { strategy: 'xpath', value: `(//${n.className})[${pos}]` };
}

export interface LoginForm {
  user: UiNode | null;
  password: UiNode;
  submit: UiNode;
}

export function findLoginForm(nodes: readonly UiNode[]): LoginForm | null {
  const password = nodes.find((n) => n.password && n.displayed);
  if (!password) return null;
  const before = nodes.slice(0, password.index).filter((n) => isEditable(n) && !n.password && n.displayed);
  const user = before[before.length - 1] ?? null;
  const after = nodes.filter((n) => n.index > password.index && n.displayed && n.enabled);
  const buttons = after.filter((n) => (n.clickable || /Button/i.test(n.className)) && !isEditable(n));
  const submit =
    buttons.find((n) => LOGIN_WORDS.test(label(n))) ??
    buttons.find((n) => LOGIN_ID.test(idName(n))) ??
    buttons.find((n) => /log|sign/i.test(label(n)));
  return submit ? { user, password, submit } : null;
}

export function findLogout(nodes: readonly UiNode[]): UiNode | null {
  return nodes.find((n) => n.displayed && (LOGOUT_WORDS.test(label(n)) || LOGOUT_ID.test(idName(n)))) ?? null;
}

export function findEntryButton(nodes: readonly UiNode[]): UiNode | null {
  return nodes.find((n) => n.displayed && (n.clickable || /Button/i.test(n.className)) && ENTRY_WORDS.test(label(n))) ?? null;
}

/** Places that may hide a logout control, in the order they are tried. */
export function findMenus(nodes: readonly UiNode[]): UiNode[] {
  const out: UiNode[] = [];
  for (const re of MENU_DESC) for (const n of nodes) if (n.displayed && re.test(n.contentDesc) && !out.includes(n)) out.push(n);
  for (const n of nodes) if (n.displayed && (SECTION_WORDS.test(label(n)) || /(^|_)(settings|profile|account)($|_)/i.test(idName(n))) && !out.includes(n)) out.push(n);
  return out;
}

/** A marker for "logged in": the logout control, else something the login screen did not have. */
export function pickLoggedInMarker(after: readonly UiNode[], before: readonly UiNode[], pkg: string): Selector | null {
  const logoutNode = findLogout(after);
  if (logoutNode) return selectorFor(logoutNode, after, pkg);
  const oldIds = new Set(before.map((n) => n.resourceId).filter(Boolean));
  const oldTexts = new Set(before.map((n) => n.text).filter(Boolean));
  const byId = after.find((n) => n.displayed && n.resourceId && !oldIds.has(n.resourceId) && n.resourceId.startsWith(`${pkg}:id/`) && !/(^|\/)(content|action_bar|toolbar|statusBarBackground|navigationBarBackground)/.test(n.resourceId));
  if (byId) return selectorFor(byId, after, pkg);
  const byText = after.find((n) => n.displayed && n.text && !oldTexts.has(n.text) && n.text.length <= 40);
  return byText ? selectorFor(byText, after, pkg) : null;
}

export const USER_ENV = 'SESSIONSCOPE_USER';
export const PASSWORD_ENV = 'SESSIONSCOPE_PASSWORD';

export interface AutopilotOptions {
  maxActions?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Drives discovery during the run. The flow object it was given is filled in place (login steps,
 * markers, logout steps), so the probes use what it finds as soon as it finds it.
 */
export class Autopilot {
  readonly draft: FlowDraft;
  private actions = 0;
  private loginScreen: UiNode[] = [];
  readonly notes: string[] = [];

  constructor(
    private readonly device: Device,
    private readonly ui: Ui,
    private readonly rec: Recorder,
    private readonly flow: Flow,
    private readonly pkg: string,
    private readonly opts: AutopilotOptions = {},
  ) {
    this.draft = { app: { package: pkg, activity: null }, login: [], logout: [], loggedIn: [], loggedOut: [] };
  }

  private get env(): NodeJS.ProcessEnv {
    return this.opts.env ?? process.env;
  }

  private budget(): void {
    if (++this.actions > (this.opts.maxActions ?? 12)) throw new Fault(this.rec.where, `the autopilot found no ${this.draft.login.length ? 'logout control' : 'login form'} within ${this.opts.maxActions ?? 12} actions; write a flow file (--flow)`);
  }

  private async nodes(): Promise<UiNode[]> {
    return parseHierarchy(await this.device.pageSource());
  }

  private async tap(n: UiNode, nodes: UiNode[]): Promise<Selector> {
    this.budget();
    const sel = selectorFor(n, nodes, this.pkg);
    const el = await this.ui.waitFor([sel], 3000);
    if (!el) throw new Fault(this.rec.where, `the autopilot could not tap ${describeSelector(sel)}`);
    await this.device.click(el);
    await sleep(500);
    return sel;
  }

  /** Finds the login form (tapping an entry button if needed) and fills in the login steps. */
  async discoverLogin(): Promise<void> {
    for (const name of [USER_ENV, PASSWORD_ENV]) {
      if (!this.env[name]) throw new UserError(`the autopilot types the credentials from ${USER_ENV} and ${PASSWORD_ENV}; ${name} is not set (or pass a flow file with --flow)`);
    }
    const entry: DraftStep[] = [];
    let nodes = await this.nodes();
    let form = findLoginForm(nodes);
    while (!form) {
      const btn = findEntryButton(nodes);
      if (!btn) throw new Fault(this.rec.where, 'the autopilot found no password field and no "Log in" / "Sign in" button on the first screen; write a flow file (--flow)');
      entry.push({ action: 'tap', selector: await this.tap(btn, nodes) });
      nodes = await this.nodes();
      form = findLoginForm(nodes);
    }
    this.loginScreen = nodes;
    const steps: DraftStep[] = [...entry];
    if (form.user) steps.push({ action: 'type', selector: selectorFor(form.user, nodes, this.pkg), env: USER_ENV });
    steps.push({ action: 'type', selector: selectorFor(form.password, nodes, this.pkg), env: PASSWORD_ENV });
    steps.push({ action: 'tap', selector: selectorFor(form.submit, nodes, this.pkg) });
    this.draft.login = steps;
    this.draft.loggedOut = [entry.length ? (entry[0] as { selector: Selector }).selector : selectorFor(form.password, nodes, this.pkg)];
    // A provisional marker so the flow validates; the real one is chosen after the login.
    this.draft.loggedIn = [this.draft.loggedOut[0]!];
    this.draft.logout = [{ action: 'back' }];
    const resolved = draftToFlow(this.draft, this.env);
    this.flow.login = resolved.login;
    this.flow.loggedOut = resolved.loggedOut;
    this.flow.loggedIn = [];
    for (const s of resolved.secrets) this.flow.secrets.push(s);
    this.notes.push(`login form: ${steps.map((s) => ('selector' in s ? describeSelector(s.selector) : s.action)).join(', ')}`);
  }

  /** After the login steps: waits for the login form to go away and picks the loggedIn marker. */
  async discoverLoggedIn(): Promise<void> {
    const end = Date.now() + this.flow.timeouts.stepMs;
    let nodes = await this.nodes();
    while (findLoginForm(nodes) && Date.now() < end) {
      await sleep(300);
      nodes = await this.nodes();
    }
    if (findLoginForm(nodes)) throw new Fault(this.rec.where, 'the login form is still shown after logging in (wrong credentials?)');
    const marker = pickLoggedInMarker(nodes, this.loginScreen, this.pkg);
    if (!marker) throw new Fault(this.rec.where, 'the autopilot found nothing on the post-login screen to recognise it by; write a flow file (--flow)');
    this.draft.loggedIn = [marker];
    this.flow.loggedIn = [marker];
    this.notes.push(`loggedIn marker: ${describeSelector(marker)}`);
  }

  /** Finds and performs the logout (directly, or behind a menu), recording the steps. */
  async discoverLogout(): Promise<void> {
    const tried = new Set<string>();
    for (let depth = 0; depth < 4; depth++) {
      const nodes = await this.nodes();
      const direct = findLogout(nodes);
      if (direct) {
        const path = this.pendingPath;
        const sel = await this.tap(direct, nodes);
        await this.confirmIfAsked();
        if (await this.ui.waitFor(this.flow.loggedOut, this.flow.timeouts.stepMs)) {
          this.draft.logout = [...path, { action: 'tap', selector: sel }, ...this.confirmSteps];
          const resolved = draftToFlow(this.draft, this.env);
          this.flow.logout = resolved.logout;
          this.notes.push(`logout: ${this.draft.logout.map((s) => ('selector' in s ? describeSelector(s.selector) : s.action)).join(', ')}`);
          return;
        }
        throw new Fault(this.rec.where, `the autopilot tapped ${describeSelector(sel)} but the logged-out screen did not appear`);
      }
      const menu = findMenus(nodes).find((n) => !tried.has(`${n.resourceId}|${label(n)}`));
      if (!menu) break;
      tried.add(`${menu.resourceId}|${label(menu)}`);
      this.pendingPath.push({ action: 'tap', selector: await this.tap(menu, nodes) });
    }
    throw new Fault(this.rec.where, 'the autopilot found no logout control (directly, in the overflow menu, the drawer or a settings/profile/account screen); write a flow file (--flow)');
  }

  private pendingPath: DraftStep[] = [];
  private confirmSteps: DraftStep[] = [];

  private async confirmIfAsked(): Promise<void> {
    if (await this.ui.waitFor(this.flow.loggedOut, 1500)) return;
    const nodes = await this.nodes();
    const ok = nodes.find((n) => n.displayed && (n.clickable || /Button/i.test(n.className)) && (/^(log ?out|sign ?out|ok|yes|confirm)$/i.test(label(n)) || /android:id\/button1$/.test(n.resourceId)));
    if (ok) this.confirmSteps.push({ action: 'tap', selector: await this.tap(ok, nodes) });
  }

  /** The flow file text for what was found (credentials as env references). */
  yaml(): string {
    const complete = this.draft.logout.length > 0 && !(this.draft.logout.length === 1 && this.draft.logout[0]!.action === 'back');
    return flowToYaml(
      complete ? this.draft : { ...this.draft, logout: [{ action: 'back' }] },
      complete ? [] : ['TODO: the autopilot did not find the logout control: replace the logout steps below.'],
    );
  }
}
