/**
 * Shared by the generate tests: record a dynamic run against the SIMULATED device (test/sim-driver
 * through the real Appium server and WebdriverIO, as test/dynamic/e2e-helpers.ts does), generate a
 * project from its report, and type-check or run that project with this repository's
 * node_modules (linked into the temporary folder).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppiumServer } from '../../dynamic/appium-server.js';
import { main } from '../../src/cli/main.js';
import { flowFile, runStage } from '../dynamic/e2e-helpers.js';
import { ROOT } from '../sim-driver/helpers.js';

export function tempDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `sessionscope-generate-${label}-`));
}

/** A dynamic run of `apk` on the simulated device; returns the path of its report.json. */
export async function recordRun(server: AppiumServer, apk: string, pkg: string, label: string, opts: { simulation?: Record<string, unknown>; mayStop?: boolean } = {}): Promise<string> {
  const dir = tempDir(`${label}-flow`);
  const run = await runStage({ apk, server, flow: flowFile(dir, pkg), label, simulation: opts.simulation });
  if (run.outcome.error && !opts.mayStop) throw new Error(`the recorded run failed: ${run.outcome.error}`);
  return path.join(run.out, 'report.json');
}

/** `sessionscope …` in-process: exit code and what it wrote to stderr. */
export async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string | Uint8Array) => {
    chunks.push(String(s));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stderr: chunks.join('') };
  } finally {
    process.stderr.write = orig;
  }
}

/** Makes webdriverio, vitest, typescript and @types resolvable from the generated folder. */
export function linkNodeModules(dir: string): void {
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

export function tsc(dir: string): { code: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Runs the generated vitest suite; exit code and combined output. */
export function runGenerated(dir: string, env: Record<string, string>): { code: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir], {
    encoding: 'utf8',
    timeout: 150_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', CI: '1', ...env },
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Runs the generated WDIO project (`wdio run wdio.conf.ts`, as its npm test does); exit code and output. */
export function runGeneratedWdio(dir: string, env: Record<string, string>): { code: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'wdio.conf.ts'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 150_000,
    // node_modules/.bin first on PATH, as `npm test` puts it: the Appium service runs `appium` from there.
    env: { PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', NO_COLOR: '1', CI: '1', ...env },
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
