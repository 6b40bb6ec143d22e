/**
 * The shapes `sessionscope doctor` passes around: a check's result, the fix commands that go with a
 * warn or fail, and the host the checks look at (environment variables, a command runner, file
 * probes, platform). Checks only see the host through `Host`, so tests give them fake results.
 */

export type Status = 'ok' | 'warn' | 'fail' | 'skip';

/** One command that fixes a finding; `os` when it differs between Linux and macOS. */
export interface Fix {
  command: string;
  os?: 'linux' | 'macos';
}

export interface CheckResult {
  id: string;
  title: string;
  status: Status;
  /** One line: what was found (versions, paths, serials), or for `skip` why the check did not run. */
  detail: string;
  /** Empty for ok and skip. */
  fix: Fix[];
  /** A required check must be ok or warn for a dynamic run to start. */
  required: boolean;
}

/** What an external command did. `error` is set when it did not run to an exit code of its own. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** missing: no such executable; timeout: killed after the time limit; failed: could not start (e.g. EACCES). */
  error?: 'missing' | 'timeout' | 'failed';
  /** For `failed`: the system's reason, one line. */
  message?: string;
}

export interface RunOptions {
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs an executable with arguments (never through a shell), bounded by `timeoutMs`. */
export type Runner = (cmd: string, args: string[], opts: RunOptions) => Promise<RunResult>;

export interface FsProbe {
  exists(p: string): boolean;
  isDir(p: string): boolean;
  isFile(p: string): boolean;
  isExecutable(p: string): boolean;
  /** Exists and this user may read and write it (e.g. /dev/kvm). */
  isReadWrite(p: string): boolean;
  /** Parsed JSON, or null when the file is missing or not JSON. */
  readJson(p: string): unknown;
}

/** Appium's `GET /status`, as far as doctor needs it. */
export interface StatusReply {
  ok: boolean;
  /** HTTP status, or null when no reply came. */
  httpStatus: number | null;
  body: unknown;
  /** Why no reply came (connection refused, timeout), one line. */
  error?: string;
}

export interface Host {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** process.version, e.g. v20.20.2 */
  nodeVersion: string;
  /** process.execPath: runs Appium's CLI. */
  nodePath: string;
  /** sessionscope's package root (where its node_modules are). */
  packageRoot: string;
  /** Appium's CLI entry (dynamic/appium-server.ts resolveAppiumCli); throws with a one-line reason when Appium is missing. */
  resolveAppiumCli(): string;
  /** Where `<name>/package.json` resolves from sessionscope's package root, or null when not installed. */
  resolvePackageJson(name: string): string | null;
  run: Runner;
  fs: FsProbe;
  getStatus(url: string, timeoutMs: number): Promise<StatusReply>;
  /** Per external command (adb, java, emulator). */
  timeoutMs: number;
}

export function result(id: string, title: string, required: boolean, status: Status, detail: string, fix: Fix[] = []): CheckResult {
  return { id, title, status, detail, fix, required };
}

/** Fixes that are the same on Linux and macOS. */
export function fixes(...commands: string[]): Fix[] {
  return commands.map((command) => ({ command }));
}

/** The first non-empty line of a command's output, trimmed, for one-line details. */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

/** Why a command gave no usable answer, in a few words. */
export function describeRun(cmd: string, r: RunResult, timeoutMs: number): string {
  if (r.error === 'missing') return `${cmd}: not found`;
  if (r.error === 'timeout') return `${cmd} did not answer within ${timeoutMs / 1000} s`;
  if (r.error === 'failed') return `${cmd} could not start: ${r.message ?? 'unknown reason'}`;
  const out = firstLine(r.stderr) || firstLine(r.stdout);
  return `${cmd} exited with code ${r.code}${out ? `: ${out}` : ''}`;
}
