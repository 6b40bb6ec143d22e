/**
 * The real host for `sessionscope doctor`: runs commands without a shell and with a time limit,
 * probes files, asks an Appium server for its status. Kept apart from the checks so that tests can
 * give the checks a fake host.
 *
 * A command runs as the leader of its own process group and, when its time is up, the whole group
 * is killed: a hung `adb` (or a script that started `sleep`) cannot keep doctor waiting on its pipes.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot, resolveAppiumCli } from '../../dynamic/appium-server.js';
import type { FsProbe, Host, RunOptions, RunResult, StatusReply } from './types.js';

const MAX_OUTPUT = 1 << 20;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function runCommand(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid);
      finish({ code: null, stdout, stderr, error: 'timeout' });
    }, opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') finish({ code: null, stdout, stderr, error: 'missing' });
      else finish({ code: null, stdout, stderr, error: 'failed', message: `${err.code ?? ''} ${err.message}`.trim() });
    });
    // 'close' waits for the pipes; a daemon the command left behind (adb's server) may hold them,
    // so the exit code is taken a moment after 'exit' at the latest.
    child.on('exit', (code) => setTimeout(() => finish({ code, stdout, stderr }), 300));
    child.on('close', (code) => finish({ code, stdout, stderr }));
  });
}

const realFs: FsProbe = {
  exists: (p) => existsSync(p),
  isDir: (p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  isFile: (p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  },
  isExecutable: (p) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  },
  isReadWrite: (p) => {
    try {
      accessSync(p, constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  readJson: (p) => {
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as unknown;
    } catch {
      return null;
    }
  },
};

async function getStatus(url: string, timeoutMs: number): Promise<StatusReply> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/status`, { signal: AbortSignal.timeout(timeoutMs) });
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      // not JSON; the caller says so
    }
    return { ok: res.ok, httpStatus: res.status, body };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no reply within ${timeoutMs / 1000} s` : (e.cause?.message ?? e.message);
    return { ok: false, httpStatus: null, body: null, error: why.replace(/\s+/g, ' ') };
  }
}

/**
 * `<dir>/node_modules/<name>/package.json` for the nearest dir from `root` upwards, as Node looks
 * packages up (createRequire cannot: packages whose "exports" hide package.json, like webdriverio).
 */
function resolvePackageJson(root: string, name: string): string | null {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(p)) return p;
    if (path.dirname(dir) === dir) return null;
  }
}

export function realHost(timeoutMs: number): Host {
  const root = packageRoot();
  return {
    env: process.env,
    platform: process.platform,
    nodeVersion: process.version,
    nodePath: process.execPath,
    packageRoot: root,
    resolvePackageJson: (name) => resolvePackageJson(root, name),
    resolveAppiumCli: () => resolveAppiumCli(root),
    run: runCommand,
    fs: realFs,
    getStatus,
    timeoutMs,
  };
}

/** The first executable called `name` on the host's PATH, or null. */
export function which(host: Host, name: string): string | null {
  for (const dir of (host.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (host.fs.isExecutable(p)) return p;
  }
  return null;
}
