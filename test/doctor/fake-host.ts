/**
 * A fake host for the doctor checks: environment, platform, files and the answers of external
 * commands are given by the test; every command the checks run is recorded.
 */
import type { Host, RunOptions, RunResult, StatusReply } from '../../src/doctor/types.js';

export type FileKind = 'dir' | 'file' | 'exec' | 'device-rw' | 'device';

export interface FakeHostOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  nodeVersion?: string;
  files?: Record<string, FileKind>;
  json?: Record<string, unknown>;
  packages?: Record<string, string>;
  appiumCli?: string | Error;
  /** Answers keyed by "cmd arg1 arg2"; a command not listed is missing (ENOENT). */
  commands?: Record<string, Partial<RunResult>>;
  status?: (url: string) => StatusReply;
}

export interface FakeHost extends Host {
  calls: { line: string; opts: RunOptions }[];
}

export function ok(stdout: string, stderr = ''): Partial<RunResult> {
  return { code: 0, stdout, stderr };
}

export function fakeHost(o: FakeHostOptions = {}): FakeHost {
  const files = o.files ?? {};
  const calls: FakeHost['calls'] = [];
  return {
    env: o.env ?? { PATH: '/usr/bin' },
    platform: o.platform ?? 'linux',
    nodeVersion: o.nodeVersion ?? 'v20.20.2',
    nodePath: '/opt/node/bin/node',
    packageRoot: '/pkg',
    resolvePackageJson: (name) => o.packages?.[name] ?? null,
    resolveAppiumCli: () => {
      if (o.appiumCli instanceof Error) throw o.appiumCli;
      return o.appiumCli ?? '/pkg/node_modules/appium/index.js';
    },
    run: async (cmd: string, args: string[], opts: RunOptions): Promise<RunResult> => {
      const line = [cmd, ...args].join(' ');
      calls.push({ line, opts });
      const a = o.commands?.[line];
      if (!a) return { code: null, stdout: '', stderr: '', error: 'missing' };
      return { code: 0, stdout: '', stderr: '', ...a };
    },
    fs: {
      exists: (p) => p in files,
      isDir: (p) => files[p] === 'dir',
      isFile: (p) => files[p] === 'file' || files[p] === 'exec',
      isExecutable: (p) => files[p] === 'exec',
      isReadWrite: (p) => files[p] === 'device-rw' || files[p] === 'file' || files[p] === 'exec',
      readJson: (p) => o.json?.[p] ?? null,
    },
    getStatus: async (url) => (o.status ? o.status(url) : { ok: false, httpStatus: null, body: null, error: 'connect ECONNREFUSED' }),
    timeoutMs: 10_000,
    calls,
  };
}
