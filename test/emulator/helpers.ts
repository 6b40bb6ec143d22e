/**
 * Shared by the emulator/ script tests: run a script with a clean environment, and a fake
 * device (test/helpers/fake-adb/adb on PATH, its state in a temporary JSON file) whose state and
 * command log the tests read back.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../sim-driver/helpers.js';

export { ROOT };
export const EMULATOR = path.join(ROOT, 'emulator');
export const FAKE_ADB_DIR = path.join(ROOT, 'test/helpers/fake-adb');
/** Absolute path of bash, so that a test can run a script with a PATH that lacks it. */
export const BASH = execFileSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment of the test process without anything that would steer the scripts. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(SESSIONSCOPE_|ANDROID_SERIAL$|APPIUM_HOME$|FAKE_ADB_)/.test(k)) env[k] = v;
  }
  return { ...env, SESSIONSCOPE_POLL_INTERVAL: '0.05', ...extra };
}

/** Runs `bash emulator/<script> args` from `cwd` (default: a temporary folder, not the repo). */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, cwd = tmpdir()): Promise<ScriptRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(BASH, [path.join(EMULATOR, script), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

export interface FakeDevice {
  dir: string;
  stateFile: string;
  /** PATH with the fake adb first, FAKE_ADB_STATE set. */
  env: Record<string, string>;
  state(): Record<string, unknown>;
  /** Every adb invocation so far, as "adb <args>". */
  commands(): string[];
}

export function fakeDevice(state: Record<string, unknown>): FakeDevice {
  const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-fake-adb-'));
  const stateFile = path.join(dir, 'device.json');
  writeFileSync(stateFile, JSON.stringify(state));
  const logFile = `${stateFile}.log`;
  return {
    dir,
    stateFile,
    env: { PATH: `${FAKE_ADB_DIR}${path.delimiter}${process.env.PATH ?? ''}`, FAKE_ADB_STATE: stateFile },
    state: () => JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>,
    commands: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []),
  };
}

/** Lines of a script's output that carry the scripts' prefix. */
export function prefixed(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('sessionscope-emulator: '));
}

/** True while `pid` is a live process (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
