/**
 * SIMULATION: `SimAndroidDriver`, an Appium 3 driver (automationName `SimAndroid`) that answers
 * the subset of the UiAutomator2 driver's API listed in test/sim-driver/SPEC.md from a simulated
 * device (device.ts), simulated apps (behaviour.ts), a simulated shell (shell.ts) and simulated
 * screens (ui.ts). No real device, emulator or adb is involved.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseDriver, errors, W3C_ELEMENT_KEY } from '@appium/base-driver';
import type { Constraints, Element, ExecuteMethodMap, MethodMap } from '@appium/types';
import { AppCrashed, AppRuntime, checkBehaviourFile, CRASH_STEPS, SWITCHES } from './behaviour.js';
import {
  canonical,
  deviceFor,
  FsError,
  InstallError,
  LAUNCHER_ACTIVITY,
  LAUNCHER_PACKAGE,
  ROOT_UID,
  SHELL_UID,
  type DeviceOptions,
  type ScreenInstance,
  type SimDevice,
} from './device.js';
import { Shell } from './shell.js';
import {
  allNodes,
  attribute,
  findById,
  findByUiSelector,
  findByXPath,
  launcherTree,
  pageSource,
  render,
  screenTree,
  SCREEN_HEIGHT,
  SCREEN_WIDTH,
  SelectorError,
  type UiNode,
} from './ui.js';

const CONSTRAINTS = {
  platformName: { presence: true, isString: true, inclusionCaseInsensitive: ['Android'] },
  automationName: { isString: true },
  udid: { isString: true },
  deviceName: { isString: true },
  app: { isString: true },
  appPackage: { isString: true },
  appActivity: { isString: true },
  noReset: { isBoolean: true },
  fullReset: { isBoolean: true },
  autoLaunch: { isBoolean: true },
  simulation: { isObject: true },
} as const satisfies Constraints;

type SimConstraints = typeof CONSTRAINTS;

interface SimulationCap {
  device?: DeviceOptions;
  flaws?: string[];
  fixes?: string[];
  crashOn?: string;
  disconnectAfter?: number;
  behaviours?: string[];
}

interface ElementRef {
  pkg: string | null;
  screenId: number;
  key: string;
}

const DEFAULT_UDID = 'sim-5554';

function adbError(udid: string, args: string, output: string): Error {
  return new Error(`Error executing adbExec. Original error: 'Command 'adb -P 5037 -s ${udid} ${args}' exited with code 1'; Command output: ${output}`);
}

/** Validates `appium:simulation`; throws with the first problem. */
function parseSimulation(raw: unknown): SimulationCap {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error("'appium:simulation' must be an object");
  const s = raw as Record<string, unknown>;
  const known = ['device', 'flaws', 'fixes', 'crashOn', 'disconnectAfter', 'behaviours'];
  for (const k of Object.keys(s)) if (!known.includes(k)) throw new Error(`'appium:simulation' has an unknown key '${k}' (known: ${known.join(', ')})`);
  const dev = (s.device ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(dev)) if (!['root', 'apiLevel', 'backupTransport', 'autoRestore'].includes(k)) throw new Error(`'appium:simulation.device' has an unknown key '${k}'`);
  if (dev.root !== undefined && typeof dev.root !== 'boolean') throw new Error("'simulation.device.root' must be a boolean");
  if (dev.autoRestore !== undefined && typeof dev.autoRestore !== 'boolean') throw new Error("'simulation.device.autoRestore' must be a boolean");
  if (dev.apiLevel !== undefined && !(Number.isInteger(dev.apiLevel) && (dev.apiLevel as number) >= 21 && (dev.apiLevel as number) <= 36)) throw new Error("'simulation.device.apiLevel' must be an integer from 21 to 36");
  if (dev.backupTransport !== undefined && dev.backupTransport !== 'local' && dev.backupTransport !== 'none') throw new Error("'simulation.device.backupTransport' must be 'local' or 'none'");
  const list = (k: 'flaws' | 'fixes'): string[] => {
    const v = s[k] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`'simulation.${k}' must be an array of strings`);
    for (const x of v as string[]) if (!(SWITCHES as readonly string[]).includes(x)) throw new Error(`'simulation.${k}': unknown switch '${x}' (known: ${SWITCHES.join(', ')})`);
    return v as string[];
  };
  const flaws = list('flaws');
  const fixes = list('fixes');
  const both = flaws.filter((f) => fixes.includes(f));
  if (both.length) throw new Error(`'simulation': '${both[0]}' is both a flaw and a fix`);
  if (s.crashOn !== undefined && !(CRASH_STEPS as readonly unknown[]).includes(s.crashOn)) throw new Error(`'simulation.crashOn' must be one of ${CRASH_STEPS.join(', ')}`);
  if (s.disconnectAfter !== undefined && !(Number.isInteger(s.disconnectAfter) && (s.disconnectAfter as number) >= 0)) throw new Error("'simulation.disconnectAfter' must be a non-negative integer");
  const behaviours = s.behaviours ?? [];
  if (!Array.isArray(behaviours) || behaviours.some((x) => typeof x !== 'string')) throw new Error("'simulation.behaviours' must be an array of file paths");
  return { device: dev as DeviceOptions, flaws, fixes, crashOn: s.crashOn as string | undefined, disconnectAfter: s.disconnectAfter as number | undefined, behaviours: behaviours as string[] };
}

/** The device is free again and its apps behave as their behaviour files say (no switches). */
function releaseDevice(d: SimDevice): void {
  d.busyWith = null;
  d.config = { flaws: new Set(), fixes: new Set(), crashOn: null, behaviourFiles: new Map() };
}

/** A subset of moment.js formats (YYYY MM DD HH mm ss SSS Z ZZ X x), as `getDeviceTime` takes. */
function formatTime(ms: number, fmt: string): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const tokens: Record<string, string> = {
    YYYY: String(d.getUTCFullYear()),
    MM: p(d.getUTCMonth() + 1),
    DD: p(d.getUTCDate()),
    HH: p(d.getUTCHours()),
    mm: p(d.getUTCMinutes()),
    ss: p(d.getUTCSeconds()),
    SSS: p(d.getUTCMilliseconds(), 3),
    ZZ: '+0000',
    Z: '+00:00',
    X: String(Math.floor(ms / 1000)),
    x: String(ms),
  };
  return fmt.replace(/YYYY|SSS|MM|DD|HH|mm|ss|ZZ|Z|X|x/g, (t) => tokens[t]!);
}

export class SimAndroidDriver extends BaseDriver<SimConstraints> {
  static newMethodMap = {
    '/session/:sessionId/appium/device/current_activity': { GET: { command: 'getCurrentActivity' } },
    '/session/:sessionId/appium/device/current_package': { GET: { command: 'getCurrentPackage' } },
    '/session/:sessionId/appium/device/press_keycode': {
      POST: { command: 'pressKeyCode', payloadParams: { required: ['keycode'], optional: ['metastate', 'flags'] } },
    },
  } as const satisfies MethodMap<SimAndroidDriver>;

  static executeMethodMap = {
    'mobile: shell': { command: 'mobileShell', params: { required: ['command'], optional: ['args', 'timeout', 'includeStderr'] } },
    'mobile: installApp': {
      command: 'mobileInstallApp',
      params: { required: ['appPath'], optional: ['checkVersion', 'timeout', 'allowTestPackages', 'useSdcard', 'grantPermissions', 'replace', 'noIncremental'] },
    },
    'mobile: removeApp': { command: 'mobileRemoveApp', params: { required: ['appId'], optional: ['timeout', 'keepData', 'skipInstallCheck'] } },
    'mobile: clearApp': { command: 'mobileClearApp', params: { required: ['appId'] } },
    'mobile: activateApp': { command: 'activateApp', params: { required: ['appId'] } },
    'mobile: terminateApp': { command: 'mobileTerminateApp', params: { required: ['appId'], optional: ['timeout'] } },
    'mobile: queryAppState': { command: 'queryAppState', params: { required: ['appId'] } },
    'mobile: isAppInstalled': { command: 'mobileIsAppInstalled', params: { required: ['appId'], optional: ['user'] } },
    'mobile: backgroundApp': { command: 'mobileBackgroundApp', params: { optional: ['seconds'] } },
    'mobile: startActivity': {
      command: 'mobileStartActivity',
      params: {
        optional: ['wait', 'stop', 'windowingMode', 'activityType', 'display', 'user', 'intent', 'action', 'package', 'uri', 'mimeType', 'identifier', 'component', 'categories', 'extras', 'flags', 'activity'],
      },
    },
    'mobile: pullFile': { command: 'pullFile', params: { required: ['remotePath'] } },
    'mobile: pushFile': { command: 'pushFile', params: { required: ['remotePath', 'payload'] } },
    'mobile: deleteFile': { command: 'mobileDeleteFile', params: { required: ['remotePath'] } },
    'mobile: pressKey': { command: 'mobilePressKey', params: { required: ['keycode'], optional: ['metastate', 'flags', 'isLongPress', 'source'] } },
    'mobile: getDeviceTime': { command: 'mobileGetDeviceTime', params: { optional: ['format'] } },
    'mobile: scrollGesture': {
      command: 'mobileScrollGesture',
      params: { optional: ['elementId', 'left', 'top', 'width', 'height', 'direction', 'percent', 'speed'] },
    },
    'mobile: clickGesture': { command: 'mobileClickGesture', params: { optional: ['elementId', 'x', 'y', 'locator'] } },
    'mobile: getCurrentActivity': { command: 'getCurrentActivity' },
    'mobile: getCurrentPackage': { command: 'getCurrentPackage' },
  } as const satisfies ExecuteMethodMap<SimAndroidDriver>;

  private device: SimDevice | null = null;
  private runtime: AppRuntime | null = null;
  private shell: Shell | null = null;
  private appPackage: string | null = null;
  private readonly elements = new Map<string, ElementRef>();
  private readonly elementIds = new Map<string, string>();
  private nextElement = 1;
  private commandsLeft: number | null = null;
  private lost = false;

  constructor(opts: ConstructorParameters<typeof BaseDriver>[0] = {} as ConstructorParameters<typeof BaseDriver>[0], shouldValidateCaps = true) {
    super(opts, shouldValidateCaps);
    this.desiredCapConstraints = CONSTRAINTS;
    this.locatorStrategies = ['id', 'accessibility id', 'xpath', '-android uiautomator', 'class name'];
  }

  // ---------------------------------------------------------------- session

  override async createSession(...args: Parameters<BaseDriver<SimConstraints>['createSession']>): Promise<any> {
    const result = (await super.createSession(...(args as [any]))) as [string, unknown];
    const sessionId = result[0];
    const udid = this.opts.udid ?? DEFAULT_UDID;
    const device = deviceFor(udid);
    if (device.busyWith && device.busyWith !== sessionId) {
      await super.deleteSession();
      throw new errors.SessionNotCreatedError(`The simulated device '${udid}' is in use by session ${device.busyWith}; give another 'appium:udid'`);
    }
    try {
      let sim: SimulationCap;
      try {
        sim = parseSimulation(this.opts.simulation);
      } catch (e) {
        throw new errors.SessionNotCreatedError((e as Error).message);
      }
      const behaviourFiles = new Map<string, string>();
      for (const f of sim.behaviours ?? []) {
        const file = path.resolve(f);
        try {
          behaviourFiles.set(checkBehaviourFile(file), file);
        } catch (e) {
          throw new errors.SessionNotCreatedError(`'simulation.behaviours': cannot read ${file}: ${(e as Error).message}`);
        }
      }
      device.busyWith = sessionId;
      device.configure(sim.device ?? {});
      device.config = { flaws: new Set(sim.flaws), fixes: new Set(sim.fixes), crashOn: sim.crashOn ?? null, behaviourFiles };
      this.device = device;
      this.runtime = new AppRuntime(device);
      this.shell = new Shell(device, this.runtime);
      this.commandsLeft = sim.disconnectAfter ?? null;
      this.lost = false;
      this.log.info(`SIMULATION: simulated Android device '${udid}' (API ${device.apiLevel}, root ${device.root}); flaws [${[...device.config.flaws].join(', ')}], fixes [${[...device.config.fixes].join(', ')}]`);
      await this.prepareApp();
    } catch (e) {
      releaseDevice(device);
      this.device = null;
      await super.deleteSession();
      if (e instanceof InstallError) throw new errors.SessionNotCreatedError(e.message);
      throw e;
    }
    return result;
  }

  /** What UiAutomator2 does at session start: install, fast reset (pm clear) or full reset, then launch. */
  private async prepareApp(): Promise<void> {
    const d = this.device!;
    const { app, noReset, fullReset, appActivity, autoLaunch } = this.opts;
    let pkg = this.opts.appPackage ?? null;
    if (app) {
      const apk = path.resolve(app);
      const read = d.readApk(apk);
      pkg = pkg ?? read.pkg;
      if (fullReset && d.packages.has(read.pkg)) d.uninstall(read.pkg, false);
      if (!d.packages.has(read.pkg) || !noReset) d.install(apk);
    }
    this.appPackage = pkg;
    if (!pkg) return;
    if (!d.packages.has(pkg)) {
      throw new errors.SessionNotCreatedError(`Either provide 'app' option to install '${pkg}' or consider setting 'noReset' to 'true' if '${pkg}' is supposed to be preinstalled.`);
    }
    if (!noReset && !fullReset) d.clearData(pkg); // fastReset: `pm clear`
    else d.forceStop(pkg);
    if (autoLaunch === false) return;
    this.crashSafe(() => (appActivity ? this.runtime!.startActivity(pkg, appActivity) : this.runtime!.activate(pkg)));
  }

  override async deleteSession(sessionId?: string | null): Promise<void> {
    const d = this.device;
    if (d) {
      const pkg = this.appPackage;
      if (pkg && !this.lost) {
        if (this.opts.fullReset) d.uninstall(pkg, false);
        else if (!this.opts.noReset) d.forceStop(pkg);
      }
      releaseDevice(d);
    }
    this.device = null;
    this.elements.clear();
    this.elementIds.clear();
    await super.deleteSession(sessionId);
  }

  /** `disconnectAfter`: after N commands every command fails as with a device adb no longer sees. */
  override async executeCommand<T = unknown>(cmd: string, ...args: any[]): Promise<T> {
    if (cmd !== 'createSession' && cmd !== 'deleteSession' && this.sessionId && this.device && this.commandsLeft !== null) {
      if (this.commandsLeft <= 0) {
        this.lost = true;
        const udid = this.device.udid;
        throw new errors.UnknownError(
          `An unknown server-side error occurred while processing the command. Original error: ${adbError(udid, 'shell dumpsys window', `adb: device '${udid}' not found`).message}`,
        );
      }
      this.commandsLeft--;
    }
    return await super.executeCommand<T>(cmd, ...args);
  }

  // ---------------------------------------------------------------- helpers

  private get d(): SimDevice {
    if (!this.device) throw new errors.NoSuchDriverError('No simulated device: the session is not running');
    return this.device;
  }

  private get rt(): AppRuntime {
    return this.runtime!;
  }

  /** Runs an app step; an app crash is not an error for the caller (the app just dies). */
  private crashSafe<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof AppCrashed) {
        this.log.warn(`SIMULATION: ${e.message}`);
        return undefined;
      }
      throw e;
    }
  }

  private clock(): string {
    return formatTime(this.d.now(), 'HH:mm');
  }

  /** The screen on display: the foreground app's top screen, or the launcher. */
  private view(): { pkg: string | null; inst: ScreenInstance | null; tree: UiNode } {
    const d = this.d;
    const pkg = d.foreground;
    const inst = pkg ? this.rt.top(pkg) : null;
    if (pkg && inst) return { pkg, inst, tree: screenTree(pkg, this.rt.screenSpec(pkg, inst.screen), inst.fields, inst.focused) };
    const apps = [...d.packages.values()].filter((a) => a.activities.some((x) => x.launcher)).sort((a, b) => a.label.localeCompare(b.label));
    return { pkg: null, inst: null, tree: launcherTree(LAUNCHER_PACKAGE, apps, this.clock()) };
  }

  private toElement(pkg: string | null, screenId: number, node: UiNode): Element {
    const k = `${pkg ?? ''}|${screenId}|${node.key}`;
    let id = this.elementIds.get(k);
    if (!id) {
      id = `00000000-0000-0000-${String(screenId).padStart(4, '0')}-${String(this.nextElement++).padStart(12, '0')}`;
      this.elementIds.set(k, id);
      this.elements.set(id, { pkg, screenId, key: node.key });
    }
    return { [W3C_ELEMENT_KEY]: id, ELEMENT: id } as Element;
  }

  /** The node behind an element id, if it is still on screen. */
  private resolve(elementId: string): { node: UiNode; pkg: string | null; inst: ScreenInstance | null } {
    const ref = this.elements.get(elementId);
    if (!ref) throw new errors.NoSuchElementError(`The element '${elementId}' does not exist in DOM anymore`);
    const v = this.view();
    const screenId = v.inst?.id ?? 0;
    const node = ref.pkg === v.pkg && ref.screenId === screenId ? allNodes(v.tree).find((n) => n.key === ref.key) : undefined;
    if (!node) throw new errors.StaleElementReferenceError(`The element '${elementId}' does not exist in DOM anymore`);
    return { node, pkg: v.pkg, inst: v.inst };
  }

  private adbUid(): number {
    return this.d.root ? ROOT_UID : SHELL_UID;
  }

  private containerPath(remotePath: string): { pkg: string; abs: string } | null {
    const m = /^@([^/]+)\/(.+)/.exec(remotePath);
    return m ? { pkg: m[1]!, abs: canonical(path.posix.resolve(`/data/data/${m[1]}`, m[2]!)) } : null;
  }

  private containerError(pkg: string, why: string): Error {
    return new Error(
      `Cannot access the container of '${pkg}' application. Is the application installed and has 'debuggable' build option set to true? Original error: ${why}`,
    );
  }

  /** The uid `run-as <pkg>` runs as, or an error like the real driver's. */
  private runAsUid(pkg: string): number {
    const app = this.d.packages.get(pkg);
    if (!app) throw this.containerError(pkg, `run-as: unknown package: ${pkg}`);
    if (!app.debuggable) throw this.containerError(pkg, `run-as: package not debuggable: ${pkg}`);
    return app.uid;
  }

  // ---------------------------------------------------------------- finding elements

  override async findElOrEls(strategy: string, selector: string, mult: true, context?: any): Promise<Element[]>;
  override async findElOrEls(strategy: string, selector: string, mult: false, context?: any): Promise<Element>;
  override async findElOrEls(strategy: string, selector: string, mult: boolean, context?: any): Promise<Element | Element[]> {
    const v = this.view();
    let nodes: UiNode[];
    try {
      switch (strategy) {
        case 'id':
          nodes = findById(v.tree, selector, v.pkg ?? LAUNCHER_PACKAGE);
          break;
        case 'accessibility id':
          nodes = allNodes(v.tree).filter((n) => n.contentDesc === selector);
          break;
        case 'class name':
          nodes = allNodes(v.tree).filter((n) => n.cls === selector);
          break;
        case 'xpath':
          nodes = findByXPath(v.tree, selector);
          break;
        case '-android uiautomator':
          nodes = findByUiSelector(v.tree, selector);
          break;
        default:
          throw new errors.InvalidSelectorError(`Locator Strategy '${strategy}' is not supported for this session`);
      }
    } catch (e) {
      if (e instanceof SelectorError) throw new errors.InvalidSelectorError(e.message);
      throw e;
    }
    if (context) {
      const ctxNode = this.resolve(String(context)).node;
      nodes = nodes.filter((n) => n !== ctxNode && n.key.startsWith(ctxNode.key === '' ? '' : `${ctxNode.key}/`));
    }
    const screenId = v.inst?.id ?? 0;
    if (mult) return nodes.map((n) => this.toElement(v.pkg, screenId, n));
    if (!nodes[0]) throw new errors.NoSuchElementError();
    return this.toElement(v.pkg, screenId, nodes[0]);
  }

  // ---------------------------------------------------------------- elements

  async click(elementId: string): Promise<void> {
    const { node, pkg, inst } = this.resolve(elementId);
    if (!pkg || !inst) {
      const app = [...this.d.packages.values()].find((a) => a.label === node.text);
      if (node.style === 'icon' && app) this.crashSafe(() => this.rt.activate(app.pkg));
      return;
    }
    if (node.element === null) return;
    try {
      await this.rt.click(pkg, inst, node.element);
    } catch (e) {
      if (!(e instanceof AppCrashed)) throw e;
      this.log.warn(`SIMULATION: ${e.message}`);
    }
  }

  /** Simulated screens never scroll: "can scroll more" is always false, as at the end of a list. */
  async mobileScrollGesture(elementId?: string): Promise<boolean> {
    if (elementId) this.resolve(elementId);
    return false;
  }

  /** A tap: on an element (by id), or on the element whose bounds hold the point. */
  async mobileClickGesture(elementId?: string, x?: number, y?: number): Promise<void> {
    if (elementId) return await this.click(elementId);
    if (x === undefined || y === undefined) throw new errors.InvalidArgumentError('Either an element id or x and y must be given');
    const v = this.view();
    const hits = allNodes(v.tree).filter((n) => (n.clickable || n.element !== null) && x >= n.bounds[0] && x < n.bounds[2] && y >= n.bounds[1] && y < n.bounds[3]);
    const hit = hits[hits.length - 1];
    if (hit) await this.click(this.toElement(v.pkg, v.inst?.id ?? 0, hit)[W3C_ELEMENT_KEY] as string);
  }

  private field(elementId: string): { inst: ScreenInstance; key: string } {
    const { node, inst, pkg } = this.resolve(elementId);
    if (!inst || !pkg || node.style !== 'edittext' || node.element === null) {
      throw new errors.InvalidElementStateError(`Cannot set the element to the given value: '${node.cls}' is not an editable field`);
    }
    const e = this.rt.screenSpec(pkg, inst.screen).elements[node.element]!;
    return { inst, key: e.id ?? `#${node.element}` };
  }

  async setValue(text: string | string[], elementId: string): Promise<void> {
    const { inst, key } = this.field(elementId);
    // W3C key codes (U+E000..U+F8FF, e.g. Enter) do not type characters.
    const value = (Array.isArray(text) ? text.join('') : String(text)).replace(/[\uE000-\uF8FF]/g, '');
    inst.fields[key] = (inst.fields[key] ?? '') + value;
    inst.focused = key;
  }

  async clear(elementId: string): Promise<void> {
    const { inst, key } = this.field(elementId);
    inst.fields[key] = '';
  }

  async getText(elementId: string): Promise<string> {
    return this.resolve(elementId).node.text;
  }

  async getAttribute(name: string, elementId: string): Promise<string | null> {
    return attribute(this.resolve(elementId).node, name);
  }

  async getProperty(name: string, elementId: string): Promise<string | null> {
    return attribute(this.resolve(elementId).node, name);
  }

  async getName(elementId: string): Promise<string> {
    return this.resolve(elementId).node.cls;
  }

  async elementDisplayed(elementId: string): Promise<boolean> {
    this.resolve(elementId);
    return true;
  }

  async elementEnabled(elementId: string): Promise<boolean> {
    this.resolve(elementId);
    return true;
  }

  async elementSelected(elementId: string): Promise<boolean> {
    this.resolve(elementId);
    return false;
  }

  async getElementRect(elementId: string): Promise<{ x: number; y: number; width: number; height: number }> {
    const [x1, y1, x2, y2] = this.resolve(elementId).node.bounds;
    return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
  }

  // ---------------------------------------------------------------- screen

  override async getPageSource(): Promise<string> {
    return pageSource(this.view().tree);
  }

  async getScreenshot(): Promise<string> {
    return render(this.view().tree, this.clock()).toString('base64');
  }

  async getWindowRect(): Promise<{ x: number; y: number; width: number; height: number }> {
    return { x: 0, y: 0, width: SCREEN_WIDTH, height: SCREEN_HEIGHT };
  }

  async back(): Promise<void> {
    this.crashSafe(() => this.rt.back());
  }

  async getCurrentActivity(): Promise<string> {
    const pkg = this.d.foreground;
    const inst = pkg ? this.rt.top(pkg) : null;
    if (!pkg || !inst) return LAUNCHER_ACTIVITY;
    const act = this.rt.screenSpec(pkg, inst.screen).activity;
    return act.startsWith(`${pkg}.`) ? act.slice(pkg.length) : act;
  }

  async getCurrentPackage(): Promise<string> {
    return this.d.foreground ?? LAUNCHER_PACKAGE;
  }

  async pressKeyCode(keycode: number): Promise<void> {
    const k = Number(keycode);
    if (k === 4) this.crashSafe(() => this.rt.back());
    else if (k === 3) this.crashSafe(() => this.rt.home());
  }

  async mobilePressKey(keycode: number): Promise<void> {
    await this.pressKeyCode(keycode);
  }

  async getDeviceTime(format = 'YYYY-MM-DDTHH:mm:ssZ'): Promise<string> {
    return formatTime(this.d.now(), format);
  }

  async mobileGetDeviceTime(format?: string): Promise<string> {
    return await this.getDeviceTime(format);
  }

  // ---------------------------------------------------------------- apps

  async installApp(appPath: string): Promise<void> {
    const apk = path.resolve(appPath);
    try {
      const { app, restored } = this.d.install(apk);
      this.log.info(`SIMULATION: installed ${app.pkg} from ${apk}${restored.length ? `; restored from backup: ${restored.join(', ')}` : ''}`);
    } catch (e) {
      if (!(e instanceof InstallError)) throw e;
      if (e.message.startsWith('INSTALL_')) throw new Error(`Cannot install '${apk}': Failure [${e.message}]`);
      throw e;
    }
  }

  async mobileInstallApp(appPath: string): Promise<void> {
    await this.installApp(appPath);
  }

  async removeApp(appId: string, options?: { keepData?: boolean }): Promise<boolean> {
    return this.d.uninstall(appId, !!options?.keepData);
  }

  async mobileRemoveApp(appId: string, _timeout?: number, keepData?: boolean): Promise<boolean> {
    return await this.removeApp(appId, { keepData });
  }

  async mobileClearApp(appId: string): Promise<void> {
    if (!this.d.clearData(appId)) throw new Error(`Cannot clear the application data of '${appId}'. Original error: Failed`);
  }

  async isAppInstalled(appId: string): Promise<boolean> {
    return this.d.packages.has(appId);
  }

  async mobileIsAppInstalled(appId: string): Promise<boolean> {
    return await this.isAppInstalled(appId);
  }

  async activateApp(appId: string): Promise<void> {
    const app = this.d.packages.get(appId);
    if (!app || !app.activities.some((a) => a.launcher)) {
      throw new Error(`Unable to resolve the launchable activity of '${appId}'. Original error: No activity found to handle the intent (is '${appId}' installed?)`);
    }
    this.crashSafe(() => this.rt.activate(appId));
  }

  async terminateApp(appId: string): Promise<boolean> {
    if (!this.d.processes.has(appId)) return false;
    this.d.forceStop(appId);
    return true;
  }

  async mobileTerminateApp(appId: string): Promise<boolean> {
    return await this.terminateApp(appId);
  }

  async queryAppState(appId: string): Promise<0 | 1 | 3 | 4> {
    return this.d.appState(appId);
  }

  async mobileBackgroundApp(seconds = -1): Promise<void> {
    const pkg = this.d.foreground;
    this.crashSafe(() => this.rt.home());
    if (seconds >= 0 && pkg) {
      await sleep(seconds * 1000);
      if (this.d.processes.has(pkg)) this.crashSafe(() => this.rt.activate(pkg));
    }
  }

  async mobileStartActivity(
    wait?: boolean, stop?: boolean, _windowingMode?: unknown, _activityType?: unknown, _display?: unknown, user?: string | number,
    intent?: string, action?: string, pkg?: string, uri?: string, mimeType?: string, _identifier?: string, component?: string,
    categories?: string | string[], extras?: unknown[][], flags?: string, activity?: string,
  ): Promise<string> {
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = ['am', 'start-activity'];
    if (user !== undefined) cmd.push('--user', String(user));
    if (wait) cmd.push('-W');
    if (stop) cmd.push('-S');
    if (intent) cmd.push(q(intent));
    if (action) cmd.push('-a', q(action));
    if (uri) cmd.push('-d', q(uri));
    if (mimeType) cmd.push('-t', q(mimeType));
    for (const c of Array.isArray(categories) ? categories : categories ? [categories] : []) cmd.push('-c', q(c));
    const comp = component ?? (pkg && activity ? `${pkg}/${activity}` : undefined);
    if (comp) cmd.push('-n', q(comp));
    else if (pkg) cmd.push('-p', q(pkg));
    for (const e of extras ?? []) cmd.push(`--e${String(e[0])}`, ...e.slice(1).map((x) => q(String(x))));
    if (flags) cmd.push('-f', q(flags));
    const line = cmd.join(' ');
    const r = this.shell!.run(line, this.adbUid());
    if (r.code !== 0) throw adbError(this.d.udid, `shell ${line}`, `${r.stdout}${r.stderr}`.trim());
    return r.stdout;
  }

  // ---------------------------------------------------------------- files

  async pullFile(remotePath: string): Promise<string> {
    if (remotePath.endsWith('/')) {
      throw new errors.InvalidArgumentError(`It is expected that remote path points to a file and not to a folder. '${remotePath}' is given instead`);
    }
    const d = this.d;
    const c = this.containerPath(remotePath);
    if (c) {
      const uid = this.runAsUid(c.pkg);
      let node;
      try {
        node = d.stat(c.abs, uid);
      } catch (e) {
        if (e instanceof FsError) throw this.containerError(c.pkg, `chmod: ${e.path}: ${e.reason}`);
        throw e;
      }
      if (node.type !== 'file') throw this.containerError(c.pkg, `cp: ${c.abs}: Is a directory`);
      node.mode = 0o777; // run-as <pkg> chmod 777 '<file>', as the real driver does, and leaves it so
      return node.data.toString('base64');
    }
    const abs = canonical(remotePath);
    try {
      return d.readFile(abs, this.adbUid()).toString('base64');
    } catch (e) {
      if (e instanceof FsError) throw adbError(d.udid, `pull ${remotePath} /tmp/appium.tmp`, `adb: error: failed to stat remote object '${remotePath}': ${e.reason}`);
      throw e;
    }
  }

  async pushFile(remotePath: string, base64Data: string | number[]): Promise<void> {
    if (remotePath.endsWith('/')) {
      throw new errors.InvalidArgumentError(`It is expected that remote path points to a file and not to a folder. '${remotePath}' is given instead`);
    }
    const d = this.d;
    const data = Buffer.from(Array.isArray(base64Data) ? Buffer.from(base64Data).toString('utf8') : base64Data, 'base64');
    const c = this.containerPath(remotePath);
    try {
      if (c) {
        const uid = this.runAsUid(c.pkg);
        d.writeFile(c.abs, data, uid);
        d.fs.get(c.abs)!.mode = 0o777; // touch + chmod 777 before the copy, as the real driver does
      } else d.writeFile(canonical(remotePath), data, this.adbUid());
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (c) throw this.containerError(c.pkg, `${e.path}: ${e.reason}`);
      throw adbError(d.udid, `push /tmp/appium.tmp ${remotePath}`, `adb: error: failed to copy '/tmp/appium.tmp' to '${remotePath}': remote ${e.reason}`);
    }
  }

  async mobileDeleteFile(remotePath: string): Promise<boolean> {
    const d = this.d;
    const c = this.containerPath(remotePath);
    const uid = c ? this.runAsUid(c.pkg) : this.adbUid();
    const abs = c ? c.abs : canonical(remotePath);
    if (!d.fs.has(abs) || !d.mayAccess(abs, uid)) return false;
    d.remove(abs, uid, true);
    return true;
  }

  // ---------------------------------------------------------------- execute and shell

  async execute(script: string, args: unknown[]): Promise<unknown> {
    if (!script.trim().startsWith('mobile:')) {
      throw new errors.NotImplementedError(`Only 'mobile:' execute methods are supported by the simulated device, not '${script}'`);
    }
    return await this.executeMethod(script.trim(), args as [Record<string, unknown>]);
  }

  async mobileShell(command: string, args: string | string[] = [], _timeout?: number, includeStderr?: boolean): Promise<string | { stdout: string; stderr: string }> {
    this.assertFeatureEnabled('adb_shell');
    if (typeof command !== 'string') throw new errors.InvalidArgumentError(`The 'command' argument is mandatory`);
    const line = [command, ...(Array.isArray(args) ? args : [args])].join(' ');
    const r = this.shell!.run(line);
    if (r.code !== 0) {
      throw new Error(
        `Cannot execute the '${command}' shell command. Original error: Command 'adb -P 5037 -s ${this.d.udid} shell ${line}' exited with code ${r.code}. StdOut: ${r.stdout}. StdErr: ${r.stderr}`,
      );
    }
    return includeStderr ? { stdout: r.stdout, stderr: r.stderr } : r.stdout;
  }
}
