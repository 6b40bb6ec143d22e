/**
 * End-to-end runs of the dynamic stage against the SIMULATED device (test/sim-driver): the
 * project's real Appium server (dynamic/appium-server.ts) loads the simandroid driver, and the
 * stage drives it with real WebdriverIO. Every report these runs produce says simulated: true;
 * none of it is an emulator or device result.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAppiumServer, type AppiumServer } from '../../dynamic/appium-server.js';
import type { Probe } from '../../dynamic/probes/probe.js';
import { runDynamic, writeLogFilters, type DynamicOutcome } from '../../dynamic/run.js';
import type { DynamicRun } from '../../dynamic/report.js';
import type { Report } from '../../src/report/types.js';
import { APKS, ensureDriverBuilt, newUdid } from '../sim-driver/helpers.js';

export { APKS };

export const CREDS = { SESSIONSCOPE_USER: 'alice@example.com', SESSIONSCOPE_PASSWORD: 'Corr3ct-Horse-Battery!' };

export async function startSimServer(): Promise<AppiumServer> {
  ensureDriverBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-e2e-appium-'));
  return startAppiumServer({
    allowInsecure: ['simandroid:adb_shell'],
    requireDrivers: ['simandroid'],
    logFile: path.join(dir, 'appium.log'),
    args: ['--log-filters', await writeLogFilters(dir)],
  });
}

export function flowFile(dir: string, pkg: string, extra = ''): string {
  const file = path.join(dir, 'flow.yml');
  writeFileSync(
    file,
    `app:
  package: ${pkg}
login:
  steps:
    - { action: type, selector: { id: username }, text: "\${env:SESSIONSCOPE_USER}" }
    - { action: type, selector: { accessibilityId: password }, text: "\${env:SESSIONSCOPE_PASSWORD}" }
    - { action: tap, selector: { text: Log in } }
logout:
  steps:
    - tap: { id: logout }
loggedIn: { id: invoices_title }
loggedOut: { id: login }
timeouts: { step: 3s, launch: 3s }
${extra}`,
  );
  return file;
}

export interface StageRun {
  outcome: DynamicOutcome;
  lines: string[];
  out: string;
  report: Report;
  run: DynamicRun;
  verdicts: Record<string, string>;
}

export interface StageOptions {
  apk: string;
  server?: AppiumServer | null;
  appiumUrl?: string;
  flow?: string | null;
  simulation?: Record<string, unknown>;
  udid?: string;
  label?: string;
  probes?: readonly Probe[];
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  writeFlow?: string;
  out?: string;
  format?: 'json' | 'text' | 'html' | 'markdown' | 'sarif' | 'junit';
  extraCaps?: string[];
  settleMs?: number;
}

export async function runStage(o: StageOptions): Promise<StageRun> {
  const out = o.out ?? mkdtempSync(path.join(tmpdir(), `sessionscope-e2e-${o.label ?? 'run'}-`));
  const lines: string[] = [];
  const outcome = await runDynamic({
    apk: o.apk,
    flowPath: o.flow ?? null,
    writeFlow: o.writeFlow ?? null,
    appiumUrl: o.appiumUrl ?? o.server?.url ?? null,
    capabilities: [
      'appium:automationName=SimAndroid',
      `appium:udid=${o.udid ?? newUdid(o.label ?? 'stage')}`,
      ...(o.simulation ? [`appium:simulation=${JSON.stringify(o.simulation)}`] : []),
      ...(o.extraCaps ?? []),
    ],
    outDir: out,
    format: o.format ?? 'json',
    failOn: 'high',
    force: false,
    progress: { line: (t) => lines.push(t) },
    env: o.env ?? { ...CREDS },
    signal: o.signal,
    probes: o.probes,
    settleMs: o.settleMs ?? 200,
  });
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as Report;
  } catch {
    report = outcome.report!;
  }
  const run = report?.results[0]?.dynamic as DynamicRun;
  const verdicts = Object.fromEntries((run?.probes ?? []).map((p) => [p.name, p.verdict]));
  return { outcome, lines, out, report, run, verdicts };
}

/** A stand-in for the app's backend: answers every replayed token with `status` and records what it saw. */
export async function tokenServer(status: number): Promise<{ url: string; seen: { method: string; url: string; auth: string | undefined }[]; close(): Promise<void> }> {
  const seen: { method: string; url: string; auth: string | undefined }[] = [];
  const srv: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
    res.statusCode = status;
    res.end(status < 300 ? '{"user":"alice"}' : '{"error":"invalid token"}');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => srv.close(() => r())) };
}
