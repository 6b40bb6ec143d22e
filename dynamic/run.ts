/**
 * The dynamic stage from start to end: scan the APK (the static stage), load the flow (or prepare
 * the autopilot), start the project's Appium server unless --appium-url names one, open one
 * `noReset` session, detect how the app storage can be read, run the probes in order, and write
 * the one report after every probe.
 *
 * Whatever stops the run (bad flow file, no server or driver, no device, install failure, a
 * selector that never appears, an app crash, a lost device, Ctrl-C) leaves the report on disk with
 * what was gathered so far and `dynamic.stoppedAt` naming the step; the exit code is then 2 (130
 * for Ctrl-C) with one line on stderr. Otherwise it is 0/1 by --fail-on over static and dynamic
 * findings, as for `scan`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { readInput, scanBytes, describeError } from '../src/scan.js';
import type { Format } from '../src/report/render.js';
import { render } from '../src/report/render.js';
import type { Finding, Report, Severity, TargetResult } from '../src/report/types.js';
import { UserError } from '../src/user-error.js';
import { writeOutput } from '../src/cli/output.js';
import { appInfo, type AppInfo } from './app-info.js';
import { Autopilot, PASSWORD_ENV, USER_ENV } from './autopilot.js';
import { DeviceFs } from './device-fs.js';
import { allRuleDocs } from './findings.js';
import { DEFAULT_TIMEOUTS, FlowError, loadFlow, type Flow } from './flow.js';
import { emptyState, type Probe, type ProbeContext } from './probes/probe.js';
import { PROBES } from './probes/index.js';
import { Recorder, seconds, stderrProgress, type ProgressSink } from './recorder.js';
import { buildReport, newRun, replayOf, ReportWriter, type DynamicRun, type Replay } from './report.js';
import { Secrets } from './secrets.js';
import { atOrAbove } from '../src/report/rule-docs.js';
import { buildCapabilities, DeviceError, FATAL_KINDS, parseCapabilityArgs, WdioDevice, type Device, type SessionOptions } from './session.js';
import { Fault, Ui } from './ui.js';
import { AppiumStartError, startAppiumServer } from './appium-server.js';

/** What dynamic/appium-server.ts hands back. */
export interface AppiumServerHandle {
  url: string;
  pid: number;
  logFile: string | null;
  stop(): Promise<void>;
}

export type StartServer = (opts: { outDir: string; logFile: string; automationName: string }) => Promise<AppiumServerHandle>;

export interface DynamicOptions {
  apk: string;
  flowPath?: string | null;
  /** Where the autopilot writes the flow it found (default <out>/flow.yml). */
  writeFlow?: string | null;
  appiumUrl?: string | null;
  udid?: string | null;
  /** `--capability k=v` strings. */
  capabilities?: string[];
  outDir: string;
  format: Format;
  failOn: Severity | 'never';
  force: boolean;
  progress?: ProgressSink;
  env?: NodeJS.ProcessEnv;
  /** Starts the project's Appium server (default: dynamic/appium-server.ts). */
  startServer?: StartServer;
  /** Stops the run as Ctrl-C does (tests); the CLI passes a signal wired to SIGINT. */
  signal?: AbortSignal;
  /** Probes to run (default: all, in order). */
  probes?: readonly Probe[];
  /** Screenshot + page source after each step (default true). */
  capture?: boolean;
  /** Settle time after backgrounding the app or pressing back (default 1000 ms). */
  settleMs?: number;
  /** Opens the session (default: WebdriverIO, WdioDevice.connect); tests pass a fake device. */
  connect?: (o: SessionOptions) => Promise<Device>;
}

export interface DynamicOutcome {
  exitCode: number;
  report: Report | null;
  reportPath: string | null;
  /** The one-line error when the run stopped early. */
  error: string | null;
}

class Interrupted extends UserError {
  constructor(where: string) {
    super(`${where}: interrupted (Ctrl-C)`);
  }
}

function abortPromise(signal: AbortSignal | undefined, where: () => string): { promise: Promise<never>; dispose(): void } {
  if (!signal) return { promise: new Promise<never>(() => {}), dispose: () => {} };
  let onAbort: () => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Interrupted(where()));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * Typed text never reaches the Appium log: these filters (Appium's --log-filters; patterns, no
 * secret values) mask the `text` and `value` fields of send-keys requests.
 * The log is masked again for the run's credentials when the server stops.
 */
export const APPIUM_LOG_FILTERS = [
  { pattern: '"text"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"', replacer: '"text":"[masked]"' },
  { pattern: '"value"\\s*:\\s*\\[(?:\\s*"(?:[^"\\\\]|\\\\.)*"\\s*,?)*\\]', replacer: '"value":["[masked]"]' },
  // Appium's own "Calling AppiumDriver.setValue() with args: ["<typed text>", …]" line.
  { pattern: '(setValue|replaceValue)\\(\\) with args: \\["(?:[^"\\\\]|\\\\.)*"', replacer: '$1() with args: ["[masked]"' },
];

/** Appium reads --log-filters from a JSON file (an inline value is split at commas); the patterns hold no secret. */
export async function writeLogFilters(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'appium-log-filters.json');
  await writeFile(file, `${JSON.stringify(APPIUM_LOG_FILTERS, null, 2)}\n`);
  return file;
}

async function defaultStartServer(opts: { outDir: string; logFile: string; automationName: string }): Promise<AppiumServerHandle> {
  const driver = opts.automationName.toLowerCase();
  try {
    return await startAppiumServer({
      allowInsecure: [`${driver}:adb_shell`],
      logFile: opts.logFile,
      requireDrivers: [driver],
      args: ['--log-filters', await writeLogFilters(opts.outDir)],
    });
  } catch (err) {
    if (err instanceof AppiumStartError) {
      if (err.reason === 'missing-driver') throw new UserError(`no Appium driver for automationName "${opts.automationName}" (install it: appium driver install ${driver}, or pass --appium-url)`);
      throw new UserError(err.message);
    }
    throw err;
  }
}

export async function runDynamic(opts: DynamicOptions): Promise<DynamicOutcome> {
  const progress = opts.progress ?? stderrProgress;
  const env = opts.env ?? process.env;
  const outDir = resolve(opts.outDir);
  const secrets = new Secrets();
  const rec = new Recorder(outDir, secrets, progress, { capture: opts.capture !== false });
  const writer = new ReportWriter(outDir, opts.format, opts.force);

  // ---- static stage
  let staticResult: TargetResult;
  let info: AppInfo;
  try {
    const bytes = await readInput(opts.apk);
    const t0 = performance.now();
    const { result, app } = scanBytes(bytes, opts.apk);
    staticResult = result;
    info = appInfo(app, opts.apk);
    rec.log(`sessionscope dynamic: ${info.package} (${opts.apk}); static stage: ${result.findings.length} findings in ${seconds(performance.now() - t0)}`);
  } catch (err) {
    return { exitCode: 2, report: null, reportPath: null, error: describeError(err) };
  }

  let caps: Record<string, unknown>;
  try {
    caps = parseCapabilityArgs(opts.capabilities ?? []);
  } catch (err) {
    return { exitCode: 2, report: null, reportPath: null, error: describeError(err) };
  }
  const automationName = String(caps['appium:automationName'] ?? 'UiAutomator2');
  const run: DynamicRun = newRun(/^simandroid$/i.test(automationName), automationName);
  const dynamicFindings: Finding[] = [];
  let report: Report = buildReport(staticResult, run, dynamicFindings);
  /** Set once the session is open: what `sessionscope generate` replays (recomputed at every save). */
  let replay: (() => Replay) | null = null;
  const save = async (): Promise<void> => {
    run.probes = rec.probes;
    if (replay) run.replay = replay();
    report = buildReport(staticResult, run, dynamicFindings);
    await writer.write(report);
  };
  try {
    await save();
  } catch (err) {
    return { exitCode: 2, report, reportPath: null, error: describeError(err) };
  }

  let device: Device | null = null;
  let server: AppiumServerHandle | null = null;
  let autopilot: Autopilot | null = null;
  let fsRef: DeviceFs | null = null;
  let flow: Flow | null = null;
  const abort = abortPromise(opts.signal, () => rec.where);

  const finish = async (error: string | null, code: number): Promise<DynamicOutcome> => {
    abort.dispose();
    if (error) run.stoppedAt = secrets.mask(error);
    run.finishedAt = new Date().toISOString();
    if (fsRef) Object.assign(run.device, { access: fsRef.access, accessNotes: [...fsRef.notes], shellAllowed: fsRef.shellAllowed, pullFileUsed: fsRef.pulled.size > 0, pullFileFiles: [...fsRef.pulled] });
    if (device) await device.close();
    if (server) {
      try {
        await server.stop();
      } catch {
        // already gone
      }
      if (server.logFile) await maskFile(server.logFile, secrets);
    }
    if (autopilot && autopilot.draft.login.length) {
      const target = opts.writeFlow ? resolve(opts.writeFlow) : join(outDir, 'flow.yml');
      try {
        await writeOutput(target, autopilot.yaml(), { force: opts.force || !opts.writeFlow });
        run.flow.written = relative(outDir, target) || target;
        rec.log(`flow written to ${target} (edit it and pass it back with --flow)`);
      } catch (err) {
        rec.log(`the flow file was not written: ${describeError(err)}`);
      }
    }
    try {
      await save();
    } catch (err) {
      return { exitCode: 2, report, reportPath: null, error: error ?? describeError(err) };
    }
    if (error) return { exitCode: code, report, reportPath: writer.jsonPath, error: secrets.mask(error) };
    const all = report.results[0]!.findings;
    return { exitCode: all.some((f) => atOrAbove(f.severity, opts.failOn)) ? 1 : 0, report, reportPath: writer.jsonPath, error: null };
  };

  const stop = async (err: unknown): Promise<DynamicOutcome> => {
    rec.abortProbe(err instanceof Interrupted ? 'interrupted (Ctrl-C)' : (err as Error).message);
    let message: string;
    if (err instanceof Fault || err instanceof Interrupted || err instanceof FlowError) message = err.message;
    else if (err instanceof DeviceError) message = `${rec.where}: ${err.message}`;
    else message = `${rec.where}: ${describeError(err)}`;
    if (process.env.SESSIONSCOPE_DEBUG && err instanceof Error) progress.line(secrets.mask(err.stack ?? ''));
    return finish(message, err instanceof Interrupted ? 130 : 2);
  };

  try {
    // ---- flow
    rec.where = 'load the flow';
    if (opts.flowPath) {
      flow = await Promise.race([loadFlow(opts.flowPath, { env }), abort.promise]);
      for (const s of flow.secrets) secrets.add(s);
      if (flow.app.package && flow.app.package !== info.package) {
        throw new UserError(`${opts.flowPath}: app.package is ${flow.app.package} but the APK is ${info.package}`);
      }
      run.flow = { source: 'file', file: opts.flowPath, written: null };
    } else {
      for (const name of [USER_ENV, PASSWORD_ENV]) {
        if (!env[name]) throw new UserError(`without --flow the autopilot types the credentials from ${USER_ENV} and ${PASSWORD_ENV}; ${name} is not set`);
      }
      flow = { file: null, app: { package: info.package, activity: null }, login: [], logout: [], loggedIn: [], loggedOut: [], request: null, timeouts: { ...DEFAULT_TIMEOUTS }, secrets: [] };
      run.flow = { source: 'autopilot', file: null, written: null };
    }

    // ---- Appium
    if (opts.appiumUrl) {
      run.appium = { url: opts.appiumUrl, startedByUs: false, log: null };
    } else {
      rec.where = 'start the Appium server';
      const t0 = performance.now();
      server = await Promise.race([(opts.startServer ?? defaultStartServer)({ outDir, logFile: join(outDir, 'appium.log'), automationName }), abort.promise]);
      run.appium = { url: server.url, startedByUs: true, log: server.logFile ? relative(outDir, server.logFile) || server.logFile : null };
      rec.log(`  setup › Appium server started at ${server.url} (pid ${server.pid}) (${seconds(performance.now() - t0)})`);
    }
    rec.where = 'connect to Appium';
    const t1 = performance.now();
    device = await Promise.race([
      (opts.connect ?? ((o: SessionOptions) => WdioDevice.connect(o)))({
        appiumUrl: run.appium.url!,
        apkPath: info.apkPath,
        appPackage: info.package,
        appActivity: flow.app.activity,
        udid: opts.udid ?? null,
        automationName,
        capabilities: caps,
        commandTimeoutMs: flow.timeouts.commandMs,
        secrets,
      }),
      abort.promise,
    ]);
    rec.device = device;
    const di = device.info;
    run.simulated = di.simulated;
    Object.assign(run.device, { udid: di.udid, automationName: di.automationName, platformVersion: di.platformVersion, deviceName: di.deviceName });
    rec.log(`  setup › session on ${di.udid ?? 'device'} (${di.automationName}${di.platformVersion ? `, Android ${di.platformVersion}` : ''})${di.simulated ? ' -- SIMULATED device, not an emulator' : ''} (${seconds(performance.now() - t1)})`);

    const fs = new DeviceFs(device, info.package, { debuggable: info.debuggable, candidates: info.candidates, shellTimeoutMs: Math.min(flow.timeouts.commandMs, 60_000) });
    rec.where = 'detect storage access';
    const access = await Promise.race([fs.detect(), abort.promise]);
    Object.assign(run.device, { access, accessNotes: [...fs.notes], shellAllowed: fs.shellAllowed });
    fsRef = fs;
    rec.log(`  setup › storage access: ${access} (${fs.notes.join('; ')})`);
    await save();

    const ui = new Ui(device, flow, info.package, rec, secrets);
    if (opts.settleMs !== undefined) ui.settleMs = opts.settleMs;
    const ctx: ProbeContext = { device, fs, flow, app: info, ui, rec, secrets, state: emptyState(), extraKeyPatterns: [] };
    const sessionCaps = buildCapabilities({ appiumUrl: run.appium.url!, apkPath: info.apkPath, appPackage: info.package, appActivity: flow.app.activity, udid: opts.udid ?? null, automationName, capabilities: caps });
    replay = () =>
      replayOf({ flow: flow!, env, appPackage: info.package, apkPath: info.apkPath, exportedActivities: info.exportedActivities, capabilities: sessionCaps, loginArtifacts: ctx.state.login?.artifacts ?? [] });
    if (run.flow.source === 'autopilot') {
      autopilot = new Autopilot(device, ui, rec, flow, info.package, { env });
      const ap = autopilot;
      ctx.discoverLogin = async () => {
        await ap.discoverLogin();
        for (const s of flow!.secrets) secrets.add(s);
      };
      ctx.discoverLogout = () => ap.discoverLogout();
      ui.discoverLoggedIn = () => ap.discoverLoggedIn();
    }

    const probes = opts.probes ?? PROBES;
    for (let i = 0; i < probes.length; i++) {
      const p = probes[i]!;
      rec.startProbe(p.name, p.title, i + 1, probes.length);
      const why = p.precondition(ctx);
      if (why) {
        rec.endProbe('inconclusive', why.startsWith('not run') ? why : `not run: ${why}`, []);
        await save();
        continue;
      }
      try {
        const outcome = await Promise.race([p.run(ctx), abort.promise]);
        dynamicFindings.push(...outcome.findings.map((f) => ({ ...f, message: secrets.mask(f.message), evidence: f.evidence === undefined ? undefined : secrets.mask(f.evidence) })));
        rec.endProbe(outcome.verdict, outcome.summary, outcome.evidence);
      } catch (err) {
        const fatal = err instanceof Fault || err instanceof Interrupted || (err instanceof DeviceError && FATAL_KINDS.includes(err.kind));
        if (fatal) throw err;
        rec.endProbe('inconclusive', `could not complete at ${rec.where}: ${err instanceof UserError ? err.message : describeError(err)}`, []);
      }
      Object.assign(run.device, { access: fs.access, accessNotes: [...fs.notes], shellAllowed: fs.shellAllowed, pullFileUsed: fs.pulled.size > 0, pullFileFiles: [...fs.pulled] });
      await save();
    }
    return await finish(null, 0);
  } catch (err) {
    return stop(err);
  }
}

/** Masks credentials in a log file written by another process (the Appium server log). */
async function maskFile(path: string, secrets: Secrets): Promise<void> {
  if (!secrets.size) return;
  try {
    const text = await readFile(path, 'utf8');
    const masked = secrets.mask(text);
    if (masked !== text) await writeFile(path, masked);
  } catch {
    // no log file
  }
}

/** The report as the CLI prints it at the end (the --format rendering). */
export function renderFinal(report: Report, format: Format, color: boolean): string {
  return render(report, format, { color, rules: allRuleDocs() });
}
