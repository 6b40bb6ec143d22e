/**
 * Starts the project's own Appium 3 server (the `appium` package in sessionscope's node_modules)
 * as a child process on a loopback port, logging to a file, and waits until `GET /status` says it
 * is ready. The process is Appium itself (`node <appium cli>`, not npx or a shell), started as the
 * leader of its own process group, so that `stop()` ends it and anything it started.
 *
 * Appium finds its drivers from its "home": with APPIUM_HOME unset it uses the nearest
 * package.json (from its working directory) that depends on `appium`, and loads the drivers that
 * package has in node_modules. The default working directory is sessionscope's package root and
 * APPIUM_HOME is removed from the child's environment unless `appiumHome` is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppiumServerOptions {
  /**
   * Insecure features to allow, each with Appium 3's scope prefix: `<automationName>:<feature>`
   * (e.g. `uiautomator2:adb_shell`, `simandroid:adb_shell`) or `*:<feature>`.
   */
  allowInsecure?: string[];
  denyInsecure?: string[];
  relaxedSecurity?: boolean;
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port; default: a free port chosen now. */
  port?: number;
  /** Log file (Appium's stdout and stderr); default: a new temporary directory's appium.log. */
  logFile?: string;
  /** Appium's --log-level (default `debug`, which goes to the file only). */
  logLevel?: string;
  /** Load only these drivers (`--use-drivers`); default: every installed driver. */
  useDrivers?: string[];
  /** Fail the start when one of these drivers is not available once the server is up. */
  requireDrivers?: string[];
  /** How long to wait for `GET /status` to report ready (default 60 s). */
  readyTimeoutMs?: number;
  /** Working directory, which decides Appium's home when APPIUM_HOME is unset (default: sessionscope's root). */
  cwd?: string;
  /** Set APPIUM_HOME for the child; by default it is removed so that `cwd`'s package.json decides. */
  appiumHome?: string;
  /** Extra arguments for `appium server`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface AppiumServer {
  /** Base URL, e.g. http://127.0.0.1:40123 (Appium 3's base path is /). */
  url: string;
  host: string;
  port: number;
  /** PID of the Appium process itself (leader of its process group). */
  pid: number;
  logFile: string;
  /** Drivers the server loaded, as name@version, e.g. `simandroid@0.1.0`. */
  drivers: string[];
  /** Ends the server (SIGTERM to its process group, SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

export type AppiumStartFailure = 'bad-option' | 'appium-missing' | 'port-in-use' | 'missing-driver' | 'timeout' | 'exited';

export class AppiumStartError extends Error {
  override readonly name = 'AppiumStartError';
  constructor(
    readonly reason: AppiumStartFailure,
    message: string,
    readonly logFile: string | null = null,
    /** PID of the Appium process that was started and stopped again, if one was. */
    readonly pid: number | null = null,
  ) {
    super(message);
  }
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** sessionscope's package root (from dynamic/ in the sources or dist/dynamic/ when compiled). */
export function packageRoot(): string {
  let dir = HERE;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'sessionscope') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(HERE, '..');
    dir = up;
  }
}

/** Absolute path of Appium's CLI entry (the `bin.appium` of its package.json), resolved from `from`. */
export function resolveAppiumCli(from = packageRoot()): string {
  let pkgJson: string;
  try {
    pkgJson = createRequire(path.join(from, 'package.json')).resolve('appium/package.json');
  } catch {
    throw new AppiumStartError('appium-missing', `Appium server did not start: the 'appium' package is not installed (cannot resolve appium/package.json from ${from}; run npm install)`);
  }
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.appium;
  if (!bin) throw new AppiumStartError('appium-missing', `Appium server did not start: ${pkgJson} names no 'appium' bin`);
  return path.resolve(path.dirname(pkgJson), bin);
}

/** A port the OS says is free on `host` right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

const FEATURE = /^([A-Za-z0-9_.-]+|\*):[A-Za-z0-9_]+$/;

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The last log line that looks like the reason Appium stopped. */
function lastError(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = [...lines].reverse().find((l) => /error|could not|cannot|EADDRINUSE|invalid/i.test(l));
  return (err ?? lines[lines.length - 1] ?? 'no output').replace(/\s+/g, ' ').slice(0, 300);
}

/**
 * Drivers in the startup log: `installed` is the "Available drivers:" list (name@version; null when
 * not logged yet), `loaded` the installed drivers Appium imported (`--use-drivers` limits them),
 * `failed` the ones whose import failed, with Appium's reason.
 */
export function driversInLog(log: string): { installed: string[] | null; loaded: string[]; failed: Map<string, string> } {
  const failed = new Map<string, string>();
  for (const m of log.matchAll(/Could not load driver '([^']+)', so it will not be available\. Error in loading the driver was: ([^\n]*)/g)) failed.set(m[1]!, m[2]!.trim());
  const loaded = [...log.matchAll(/Attempting to load driver (\S+?)\.\.\./g)].map((m) => m[1]!).filter((n) => !failed.has(n));
  let installed: string[] | null = null;
  if (/No drivers have been installed/.test(log)) installed = [];
  const at = log.indexOf('Available drivers:');
  if (at >= 0) {
    installed = [];
    for (const line of log.slice(at).split('\n').slice(1)) {
      const m = /\]\s+- (\S+@\S+) \(automationName/.exec(line);
      if (!m) break;
      installed.push(m[1]!);
    }
  }
  return { installed, loaded, failed };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { value?: { ready?: boolean } };
    return body.value?.ready !== false;
  } catch {
    return false;
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export async function startAppiumServer(opts: AppiumServerOptions = {}): Promise<AppiumServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new AppiumStartError('bad-option', `Appium server did not start: host '${host}' is not a loopback address`);
  }
  for (const f of [...(opts.allowInsecure ?? []), ...(opts.denyInsecure ?? [])]) {
    if (!FEATURE.test(f)) {
      throw new AppiumStartError('bad-option', `Appium server did not start: insecure feature '${f}' needs Appium 3's scope prefix, e.g. '*:${f.split(':').pop()}' or 'uiautomator2:${f.split(':').pop()}'`);
    }
  }
  const cwd = opts.cwd ?? packageRoot();
  const cli = resolveAppiumCli(cwd);
  const logFile = opts.logFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'sessionscope-appium-')), 'appium.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const timeout = opts.readyTimeoutMs ?? 60_000;

  const attempt = async (port: number): Promise<AppiumServer> => {
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const args = [cli, 'server', '--address', host, '--port', String(port), '--log-no-colors', '--log-timestamp', '--log-level', opts.logLevel ?? 'debug'];
    if (opts.allowInsecure?.length) args.push(`--allow-insecure=${opts.allowInsecure.join(',')}`);
    if (opts.denyInsecure?.length) args.push(`--deny-insecure=${opts.denyInsecure.join(',')}`);
    if (opts.relaxedSecurity) args.push('--relaxed-security');
    if (opts.useDrivers?.length) args.push(`--use-drivers=${opts.useDrivers.join(',')}`);
    args.push(...(opts.args ?? []));
    const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
    if (opts.appiumHome) env.APPIUM_HOME = opts.appiumHome;
    else delete env.APPIUM_HOME;
    const logFd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, { cwd, env, detached: true, stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    const pid = child.pid;
    if (pid === undefined) throw new AppiumStartError('exited', `Appium server did not start: could not spawn ${process.execPath} ${cli}`, logFile);
    const onParentExit = (): void => killGroup(pid, 'SIGKILL');
    process.once('exit', onParentExit);
    let stopped: Promise<void> | null = null;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        process.off('exit', onParentExit);
        if (child.exitCode === null && child.signalCode === null) killGroup(pid, 'SIGTERM');
        if (!(await waitExit(child, 5000))) {
          killGroup(pid, 'SIGKILL');
          await waitExit(child, 5000);
        }
        killGroup(pid, 'SIGKILL'); // anything left in the group
      })();
      return stopped;
    };
    const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;

    const deadline = Date.now() + timeout;
    let ready = false;
    while (Date.now() < deadline) {
      if (exited()) break;
      if (await isReady(url)) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!ready) {
      const log = readLog(logFile);
      await stop();
      if (/EADDRINUSE/.test(log)) throw new AppiumStartError('port-in-use', `Appium server did not start: port ${host}:${port} is already in use (log: ${logFile})`, logFile, pid);
      if (exited() && child.exitCode !== null && Date.now() < deadline) {
        throw new AppiumStartError('exited', `Appium server did not start: it exited with code ${child.exitCode}: ${lastError(log)} (log: ${logFile})`, logFile, pid);
      }
      throw new AppiumStartError('timeout', `Appium server did not start: GET ${url}/status was not ready within ${timeout} ms (log: ${logFile})`, logFile, pid);
    }
    // The installed drivers are logged right after the listener starts, which ends the startup log.
    let found = driversInLog(readLog(logFile));
    for (let i = 0; i < 50 && found.installed === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      found = driversInLog(readLog(logFile));
    }
    const { loaded, failed } = found;
    const installed = found.installed ?? [];
    const missing = (opts.requireDrivers ?? []).filter((d) => !loaded.includes(d));
    if (missing.length) {
      const name = missing[0]!;
      const why = failed.get(name) ?? (installed.some((d) => d.startsWith(`${name}@`)) ? 'not in --use-drivers' : 'not installed');
      await stop();
      throw new AppiumStartError(
        'missing-driver',
        `Appium server did not start: driver '${name}' is not available (${why.replace(/\s+/g, ' ').slice(0, 200)}; loaded: ${loaded.join(', ') || 'none'}; Appium home: ${opts.appiumHome ?? cwd}) (log: ${logFile})`,
        logFile,
        pid,
      );
    }
    const drivers = loaded.map((n) => installed.find((d) => d.startsWith(`${n}@`)) ?? n);
    return { url, host, port, pid, logFile, drivers, stop };
  };

  if (opts.port !== undefined) {
    if (!(await portIsFree(host, opts.port))) {
      throw new AppiumStartError('port-in-use', `Appium server did not start: port ${host}:${opts.port} is already in use`);
    }
    return await attempt(opts.port);
  }
  try {
    return await attempt(await freePort(host));
  } catch (e) {
    // Another process took the free port between the check and Appium's listen: try once more.
    if (e instanceof AppiumStartError && e.reason === 'port-in-use') return await attempt(await freePort(host));
    throw e;
  }
}
