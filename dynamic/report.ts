/**
 * The one report for both stages: the static result of the APK, the dynamic findings added to
 * it, every static finding marked `dynamicStatus: confirmed | refuted | not-tested`, and
 * `results[0].dynamic` with the device, the probes and their steps (screenshots and page sources
 * as paths relative to the report). Written after every probe, so whatever stops the run leaves
 * the evidence gathered so far and `stoppedAt` says where.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOutput } from '../src/cli/output.js';
import { render, type Format } from '../src/report/render.js';
import type { Finding, Report, TargetResult } from '../src/report/types.js';
import { SEVERITIES } from '../src/report/types.js';
import { VERSION } from '../src/version.js';
import type { Access } from './device-fs.js';
import type { Artifact } from './artifacts.js';
import type { Flow, Selector, Step } from './flow.js';
import type { ProbeRecord, Verdict } from './recorder.js';
import { allRuleDocs } from './findings.js';

export type DynamicStatus = 'confirmed' | 'refuted' | 'not-tested';

export interface DynamicRun {
  /** True when the device is the SimAndroid simulation (tests), never for an emulator or a phone. */
  simulated: boolean;
  device: {
    udid: string | null;
    automationName: string;
    platformVersion: string | null;
    deviceName: string | null;
    access: Access | null;
    accessNotes: string[];
    shellAllowed: boolean | null;
    /** pullFile('@pkg/…') chmods each file it reads to 777 inside the sandbox. */
    pullFileUsed: boolean;
    pullFileFiles: string[];
  };
  appium: { url: string | null; startedByUs: boolean; log: string | null };
  flow: { source: 'file' | 'autopilot' | null; file: string | null; written: string | null };
  startedAt: string;
  finishedAt: string | null;
  probes: ProbeRecord[];
  stoppedAt?: string;
  /** What `sessionscope generate` needs to replay the run as regression tests; no secret in it. */
  replay?: Replay;
}

/** A flow step as recorded: typed text keeps its `${env:NAME}` placeholders, never the values. */
export type ReplayStep =
  | { action: 'tap' | 'wait' | 'scroll'; selector: Selector; optional: boolean }
  | { action: 'type'; selector: Selector; text: string; optional: boolean }
  | { action: 'back'; optional: boolean };

export interface Replay {
  appPackage: string;
  apkPath: string;
  exportedActivities: string[];
  /** The session's capabilities minus anything that looks secret. */
  capabilities: Record<string, unknown>;
  flow: { login: ReplayStep[]; logout: ReplayStep[]; loggedIn: Selector[]; loggedOut: Selector[]; stepMs: number; launchMs: number };
  /** Where the first login wrote session values (places and kinds, never values). */
  sessionValues: { area: Artifact['area']; file: string; key: string | null; kind: Artifact['kind']; plaintext: boolean }[];
}

const SECRET_KEY = /pass|secret|token|key|auth|credential|cookie/i;

/** Capabilities without secret-looking entries (cloud access keys, tokens), at any depth. */
export function publicCapabilities(caps: Record<string, unknown>): Record<string, unknown> {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !SECRET_KEY.test(k.replace(/^appium:/, ''))).map(([k, x]) => [k, clean(x)]));
    return v;
  };
  return clean(caps) as Record<string, unknown>;
}

/** The flow step with each resolved `${env:NAME}` value put back as its placeholder. */
function replayStep(s: Step, env: NodeJS.ProcessEnv): ReplayStep {
  if (s.action === 'back') return { action: 'back', optional: s.optional };
  if (s.action !== 'type') return { action: s.action, selector: s.selector, optional: s.optional };
  let text = s.text.value;
  for (const name of s.text.env) {
    const v = env[name];
    if (v) text = text.split(v).join(`\${env:${name}}`);
  }
  // A typed value that was secret but could not be mapped back is dropped, never recorded.
  if (s.text.secret && !s.text.env.every((n) => text.includes(`\${env:${n}}`))) text = s.text.env.map((n) => `\${env:${n}}`).join('');
  return { action: 'type', selector: s.selector, text, optional: s.optional };
}

export function replayOf(o: { flow: Flow; env: NodeJS.ProcessEnv; appPackage: string; apkPath: string; exportedActivities: string[]; capabilities: Record<string, unknown>; loginArtifacts: readonly Artifact[] }): Replay {
  const seen = new Set<string>();
  const sessionValues: Replay['sessionValues'] = [];
  for (const a of o.loginArtifacts) {
    const k = `${a.area}|${a.file}|${a.key}`;
    if (seen.has(k)) continue;
    seen.add(k);
    sessionValues.push({ area: a.area, file: a.file, key: a.key, kind: a.kind, plaintext: a.plaintext });
  }
  return {
    appPackage: o.appPackage,
    apkPath: o.apkPath,
    exportedActivities: o.exportedActivities,
    capabilities: publicCapabilities(o.capabilities),
    flow: {
      login: o.flow.login.map((s) => replayStep(s, o.env)),
      logout: o.flow.logout.map((s) => replayStep(s, o.env)),
      loggedIn: o.flow.loggedIn,
      loggedOut: o.flow.loggedOut,
      stepMs: o.flow.timeouts.stepMs,
      launchMs: o.flow.timeouts.launchMs,
    },
    sessionValues,
  };
}

export function newRun(simulated: boolean, automationName: string): DynamicRun {
  return {
    simulated,
    device: { udid: null, automationName, platformVersion: null, deviceName: null, access: null, accessNotes: [], shellAllowed: null, pullFileUsed: false, pullFileFiles: [] },
    appium: { url: null, startedByUs: false, log: null },
    flow: { source: null, file: null, written: null },
    startedAt: new Date().toISOString(),
    finishedAt: null,
    probes: [],
  };
}

/** How a dynamic probe bears on a static rule: which probe, and which dynamic findings confirm it. */
const CONFIRMATION: Record<string, { probe: string; confirms: (f: Finding) => boolean }> = {
  'plaintext-session-storage': { probe: 'login', confirms: (f) => f.ruleId === 'plaintext-session-storage' },
  'external-storage-session': { probe: 'login', confirms: (f) => f.ruleId === 'external-storage-session' },
  'world-readable-storage': { probe: 'login', confirms: (f) => f.ruleId === 'world-readable-storage' },
  'session-not-cleared': { probe: 'logout', confirms: (f) => f.ruleId === 'logout-leaves-session' },
  'app-backup': { probe: 'reinstall', confirms: (f) => f.ruleId === 'reinstall-restores-session' },
  'exported-session-component': { probe: 'back-navigation', confirms: (f) => f.ruleId === 'back-navigation-after-logout' && f.location.class !== undefined },
  'weak-token-randomness': { probe: 'rotation', confirms: (f) => f.ruleId === 'token-not-rotated' },
};

export function dynamicStatusFor(f: Finding, probes: readonly { name: string; verdict: Verdict }[], dynamicFindings: readonly Finding[]): DynamicStatus {
  const c = CONFIRMATION[f.ruleId];
  if (!c) return 'not-tested';
  const probe = probes.find((p) => p.name === c.probe);
  if (!probe || probe.verdict === 'inconclusive') return 'not-tested';
  if (dynamicFindings.some(c.confirms)) return 'confirmed';
  // weak randomness is not refuted by rotation: a new token each time can still be guessable.
  if (f.ruleId === 'weak-token-randomness') return 'not-tested';
  return 'refuted';
}

export function buildReport(staticResult: TargetResult, run: DynamicRun, dynamicFindings: readonly Finding[]): Report {
  const statics = staticResult.findings
    .filter((f) => f.stage === 'static')
    .map((f) => ({ ...f, dynamicStatus: dynamicStatusFor(f, run.probes, dynamicFindings) }));
  const findings = [...statics, ...dynamicFindings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  return {
    schemaVersion: 1,
    tool: { name: 'sessionscope', version: VERSION },
    generatedAt: new Date().toISOString(),
    results: [{ ...staticResult, findings, dynamic: run }],
  };
}

const EXT: Record<string, string> = { json: 'json', text: 'txt', html: 'html', markdown: 'md', sarif: 'sarif', junit: 'xml' };

export interface WrittenReport {
  json: string;
  rendered: string | null;
}

/**
 * Writes report.json (and report.<ext> for another --format) into the output folder. A file that
 * exists and is not an earlier sessionscope report is only replaced with --force; files this run
 * wrote itself are replaced every time.
 */
export class ReportWriter {
  private readonly mine = new Set<string>();

  constructor(
    readonly outDir: string,
    readonly format: Format,
    private readonly force: boolean,
  ) {}

  get jsonPath(): string {
    return join(this.outDir, 'report.json');
  }

  get renderedPath(): string | null {
    return this.format === 'json' ? null : join(this.outDir, `report.${EXT[this.format] ?? this.format}`);
  }

  async write(report: Report): Promise<WrittenReport> {
    await mkdir(this.outDir, { recursive: true });
    await this.put(this.jsonPath, render(report, 'json', { color: false, rules: allRuleDocs() }));
    const rendered = this.renderedPath;
    if (rendered) await this.put(rendered, render(report, this.format, { color: false, rules: allRuleDocs() }));
    return { json: this.jsonPath, rendered };
  }

  private async put(path: string, text: string): Promise<void> {
    await writeOutput(path, text, { force: this.force || this.mine.has(path) });
    this.mine.add(path);
  }
}

