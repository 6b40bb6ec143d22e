/**
 * The WebdriverIO session with the device: one long Appium session with `appium:noReset: true`
 * (default capabilities run `pm clear` at session start and `fullReset` uninstalls at the end,
 * which would destroy the evidence; see research/dynamic-anchors.md §1.4).
 *
 * Everything goes through the W3C/Appium protocol commands (find, click, send keys, page source,
 * screenshot, back) and Appium's `mobile:` execute methods, each with its own timeout. Errors come
 * back as DeviceError with a kind (server unreachable, no driver, no device, device lost, timeout…)
 * and a one-line message; credentials are masked out of every message.
 */
import { remote } from 'webdriverio';
import { UserError } from '../src/user-error.js';
import type { Selector } from './flow.js';
import type { Secrets } from './secrets.js';

export type DeviceErrorKind =
  | 'unreachable'
  | 'no-driver'
  | 'no-device'
  | 'device-lost'
  | 'session-lost'
  | 'insecure-feature'
  | 'timeout'
  | 'no-element'
  | 'install-failed'
  | 'command';

export class DeviceError extends UserError {
  constructor(
    readonly kind: DeviceErrorKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Kinds after which no further command can succeed: the run stops. */
export const FATAL_KINDS: readonly DeviceErrorKind[] = ['unreachable', 'no-driver', 'no-device', 'device-lost', 'session-lost'];

export interface ErrorContext {
  url: string;
  automationName: string;
  udid: string | null;
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? s;
}

/** Maps a WebdriverIO / Appium error to a DeviceError with a one-line, user-facing message. */
export function classifyError(err: unknown, ctx: ErrorContext, secrets?: Secrets): DeviceError {
  if (err instanceof DeviceError) return err;
  const raw = err instanceof Error ? `${err.message}${(err as { cause?: unknown }).cause ? ` ${String((err as { cause?: { message?: string } }).cause?.message ?? '')}` : ''}` : String(err);
  const msg = secrets ? secrets.mask(raw) : raw;
  const text = msg.replace(/\s+/g, ' ');
  const detail = firstLine(msg).slice(0, 500);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET.*session\b|Unable to connect to|fetch failed|connect ETIMEDOUT|socket hang up.*newSession/i.test(text) && !/Original error/i.test(text)) {
    return new DeviceError('unreachable', `cannot reach the Appium server at ${ctx.url} (is it running? start one or leave out --appium-url)`, detail);
  }
  if (/Could not find a driver for automationName|no driver.*automationName|driver.*is not installed/i.test(text)) {
    return new DeviceError(
      'no-driver',
      `the Appium server at ${ctx.url} has no driver for automationName "${ctx.automationName}" (install it: appium driver install ${ctx.automationName.toLowerCase() === 'uiautomator2' ? 'uiautomator2' : '<driver>'})`,
      detail,
    );
  }
  if (/device .* not found|device offline|device not found|device '.*' not found|no devices\/emulators found|device unauthorized/i.test(text)) {
    return new DeviceError('device-lost', `the device${ctx.udid ? ` ${ctx.udid}` : ''} is no longer reachable (device lost)`, detail);
  }
  if (/Could not find a connected Android device|was not in the list of connected devices|Could not find (any|a) (connected )?device|No device connected/i.test(text)) {
    return new DeviceError('no-device', `no Android device${ctx.udid ? ` with udid ${ctx.udid}` : ''} is connected to the Appium server (start an emulator, or pass --udid)`, detail);
  }
  if (/instrumentation process is not running|UiAutomator2 server.*(crashed|not running)|cannot be proxied/i.test(text)) {
    return new DeviceError('device-lost', 'the UiAutomator2 server on the device stopped (device lost or restarted)', detail);
  }
  if (/session is either terminated or not started|invalid session id|NoSuchDriverError/i.test(text)) {
    return new DeviceError('session-lost', 'the Appium session ended unexpectedly (server restarted or newCommandTimeout expired)', detail);
  }
  if (/Potentially insecure feature '([^']+)' has not been enabled/i.test(text)) {
    const f = /Potentially insecure feature '([^']+)'/i.exec(text)![1];
    return new DeviceError('insecure-feature', `the Appium server does not allow ${f} (start it with --allow-insecure=*:${f})`, detail);
  }
  if (/INSTALL_FAILED|INSTALL_PARSE_FAILED|Failure \[/.test(text)) {
    const m = /(INSTALL_[A-Z_]+[^\]"]*)/.exec(text);
    return new DeviceError('install-failed', `the APK could not be installed: ${(m?.[1] ?? detail).trim().slice(0, 300)}`, detail);
  }
  if (/NoSuchElement|no such element|could not be located/i.test(text)) {
    return new DeviceError('no-element', 'no such element', detail);
  }
  return new DeviceError('command', detail.replace(/^An unknown server-side error occurred while processing the command\.\s*(Original error:\s*)?/i, ''), detail);
}

// ---------------------------------------------------------------- the device interface

export interface DeviceInfo {
  udid: string | null;
  automationName: string;
  platformVersion: string | null;
  deviceName: string | null;
  /** True when the session runs against the SimAndroid test double, not a device or emulator. */
  simulated: boolean;
}

/** What the probes use. WdioDevice implements it over WebdriverIO; tests may fake it. */
export interface Device {
  readonly info: DeviceInfo;
  /** Element ids of the visible matches (none: []). */
  find(sel: Selector): Promise<string[]>;
  click(el: string): Promise<void>;
  type(el: string, text: string): Promise<void>;
  attribute(el: string, name: string): Promise<string | null>;
  back(): Promise<void>;
  pageSource(): Promise<string>;
  /** PNG bytes. */
  screenshot(): Promise<Buffer>;
  /** An Appium execute method (`mobile: …`). */
  execute<T = unknown>(method: string, args: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** `mobile: shell` with the whole command line in one string (quoted for the device shell). */
  shell(command: string, timeoutMs?: number): Promise<string>;
  pullFile(remotePath: string): Promise<Buffer>;
  close(): Promise<void>;
}

export interface SessionOptions {
  appiumUrl: string;
  apkPath: string;
  appPackage: string;
  appActivity?: string | null;
  udid?: string | null;
  automationName?: string;
  /** `--capability k=v` pairs, already parsed. */
  capabilities?: Record<string, unknown>;
  commandTimeoutMs?: number;
  secrets?: Secrets;
}

const W3C_ELEMENT = 'element-6066-11e4-a52e-4f735466cecc';

const STANDARD_CAPS = new Set([
  'platformName', 'browserName', 'browserVersion', 'acceptInsecureCerts', 'pageLoadStrategy', 'proxy', 'setWindowRect',
  'timeouts', 'strictFileInteractability', 'unhandledPromptBehavior', 'webSocketUrl',
]);

/** Parses `--capability k=v`: JSON values (numbers, booleans, objects) or a plain string; adds `appium:` where needed. */
export function parseCapabilityArgs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UserError(`--capability ${p}: expected key=value (e.g. appium:deviceName=Pixel)`);
    let key = p.slice(0, eq).trim();
    const raw = p.slice(eq + 1);
    if (!key.includes(':') && !STANDARD_CAPS.has(key)) key = `appium:${key}`;
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    out[key] = value;
  }
  if (out['appium:noReset'] === false) throw new UserError('--capability appium:noReset=false would clear the app data at session start and destroy the evidence; the dynamic stage needs noReset');
  if (out['appium:fullReset'] === true) throw new UserError('--capability appium:fullReset=true would uninstall the app at session end and destroy the evidence; leave it out');
  return out;
}

export function buildCapabilities(o: SessionOptions): Record<string, unknown> {
  const caps: Record<string, unknown> = {
    platformName: 'Android',
    'appium:automationName': o.automationName ?? 'UiAutomator2',
    'appium:app': o.apkPath,
    'appium:appPackage': o.appPackage,
    'appium:noReset': true,
    'appium:fullReset': false,
    'appium:autoGrantPermissions': true,
    'appium:newCommandTimeout': 600,
    'appium:disableWindowAnimation': true,
    'wdio:enforceWebDriverClassic': true,
    ...(o.appActivity ? { 'appium:appActivity': o.appActivity } : {}),
    ...(o.udid ? { 'appium:udid': o.udid } : {}),
    ...(o.capabilities ?? {}),
  };
  caps['appium:noReset'] = true;
  caps['appium:fullReset'] = false;
  return caps;
}

type Browser = Awaited<ReturnType<typeof remote>>;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new DeviceError('timeout', `no answer from Appium to ${what} within ${Math.round(ms / 1000)} s`)), ms);
      timer.unref?.();
    }),
  ]);
}

function quoteJava(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The W3C locator for a flow selector. */
export function locator(sel: Selector, appPackage: string): { using: string; value: string } {
  switch (sel.strategy) {
    case 'id':
      return { using: 'id', value: sel.value.includes(':id/') ? sel.value : `${appPackage}:id/${sel.value}` };
    case 'accessibilityId':
      return { using: 'accessibility id', value: sel.value };
    case 'xpath':
      return { using: 'xpath', value: sel.value };
    case 'uiautomator':
      return { using: '-android uiautomator', value: sel.value };
    case 'text':
      return { using: '-android uiautomator', value: `new UiSelector().text(${quoteJava(sel.value)})` };
    case 'textContains':
      return { using: '-android uiautomator', value: `new UiSelector().textContains(${quoteJava(sel.value)})` };
    case 'className':
      return { using: 'class name', value: sel.value };
  }
}

export class WdioDevice implements Device {
  private constructor(
    private readonly browser: Browser,
    readonly info: DeviceInfo,
    private readonly ctx: ErrorContext,
    private readonly appPackage: string,
    private readonly timeoutMs: number,
    private readonly secrets: Secrets | undefined,
  ) {}

  /** Opens the session; throws DeviceError (unreachable, no driver, no device, install failure…). */
  static async connect(o: SessionOptions): Promise<WdioDevice> {
    const url = new URL(o.appiumUrl);
    const automationName = o.automationName ?? 'UiAutomator2';
    const ctx: ErrorContext = { url: o.appiumUrl, automationName, udid: o.udid ?? null };
    const timeoutMs = o.commandTimeoutMs ?? 60_000;
    const caps = buildCapabilities(o);
    let browser: Browser;
    try {
      browser = await withTimeout(
        remote({
          protocol: url.protocol.replace(':', '') as 'http' | 'https',
          hostname: url.hostname,
          port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
          path: url.pathname && url.pathname !== '' ? url.pathname : '/',
          capabilities: caps as WebdriverIO.Capabilities,
          logLevel: 'silent',
          connectionRetryCount: 0,
          connectionRetryTimeout: Math.max(timeoutMs, 120_000),
        }),
        Math.max(timeoutMs, 180_000),
        'the new session request',
      );
    } catch (err) {
      throw classifyError(err, ctx, o.secrets);
    }
    const c = (browser.capabilities ?? {}) as Record<string, unknown>;
    const get = (k: string): unknown => c[k] ?? c[`appium:${k}`];
    const returnedAutomation = String(get('automationName') ?? automationName);
    const info: DeviceInfo = {
      udid: (get('udid') as string | undefined) ?? o.udid ?? null,
      automationName: returnedAutomation,
      platformVersion: (get('platformVersion') as string | undefined) ?? null,
      deviceName: (get('deviceName') as string | undefined) ?? null,
      simulated: /^simandroid$/i.test(returnedAutomation) || /^simandroid$/i.test(automationName),
    };
    return new WdioDevice(browser, info, { ...ctx, udid: info.udid }, o.appPackage, timeoutMs, o.secrets);
  }

  private async call<T>(what: string, fn: () => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    try {
      return await withTimeout(fn(), timeoutMs, what);
    } catch (err) {
      throw classifyError(err, this.ctx, this.secrets);
    }
  }

  async find(sel: Selector): Promise<string[]> {
    const { using, value } = locator(sel, this.appPackage);
    const found = await this.call('find elements', () => this.browser.findElements(using, value));
    const ids = (found as unknown as Record<string, string>[]).map((e) => e[W3C_ELEMENT] ?? e.ELEMENT).filter((x): x is string => typeof x === 'string');
    const visible: string[] = [];
    for (const id of ids) {
      try {
        if (await this.call('is displayed', () => this.browser.isElementDisplayed(id))) visible.push(id);
      } catch (err) {
        const e = err as DeviceError;
        if (FATAL_KINDS.includes(e.kind)) throw e;
        // A stale element is simply not there any more.
      }
    }
    return visible;
  }

  async click(el: string): Promise<void> {
    await this.call('click', () => this.browser.elementClick(el));
  }

  async type(el: string, text: string): Promise<void> {
    await this.call('clear', () => this.browser.elementClear(el));
    await this.call('send keys', () => this.browser.elementSendKeys(el, text));
  }

  async attribute(el: string, name: string): Promise<string | null> {
    const v = await this.call('get attribute', () => this.browser.getElementAttribute(el, name));
    return v === null || v === undefined ? null : String(v);
  }

  async back(): Promise<void> {
    await this.call('back', () => this.browser.back());
  }

  async pageSource(): Promise<string> {
    return this.call('page source', () => this.browser.getPageSource());
  }

  async screenshot(): Promise<Buffer> {
    const b64 = await this.call('screenshot', () => this.browser.takeScreenshot());
    return Buffer.from(b64, 'base64');
  }

  async execute<T = unknown>(method: string, args: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    return (await this.call(method, () => this.browser.executeScript(method, [args]), timeoutMs ?? this.timeoutMs)) as T;
  }

  async shell(command: string, timeoutMs?: number): Promise<string> {
    const t = timeoutMs ?? Math.min(this.timeoutMs, 60_000);
    const out = await this.execute<unknown>('mobile: shell', { command, args: [], timeout: t }, t + 10_000);
    return typeof out === 'string' ? out : out === null || out === undefined ? '' : typeof out === 'object' && 'stdout' in (out as object) ? String((out as { stdout: unknown }).stdout) : String(out);
  }

  async pullFile(remotePath: string): Promise<Buffer> {
    const b64 = await this.call('pull file', () => this.browser.pullFile(remotePath));
    return Buffer.from(b64, 'base64');
  }

  async close(): Promise<void> {
    try {
      await withTimeout(this.browser.deleteSession(), 15_000, 'delete session');
    } catch {
      // The session may already be gone (device lost, server stopped).
    }
  }
}
