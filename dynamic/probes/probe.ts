/**
 * The shape of a probe: a name, a precondition (why it cannot run, or null) and `run(ctx)`, which
 * drives the device through recorded steps and returns a verdict with its evidence and findings.
 * The verdict itself comes from a pure `judge…` function in the same file, so the logic is tested
 * against recorded snapshots without a device. A probe never says `pass` when the evidence it
 * needs could not be read: that is `inconclusive`.
 *
 * Probes run in order in one session and hand results on through RunState (the baseline snapshot,
 * the session artifacts of the first login, the tokens seen, whether logout happened).
 */
import type { Finding } from '../../src/report/types.js';
import type { AppInfo } from '../app-info.js';
import type { Artifact } from '../artifacts.js';
import type { Account, DeviceFs, Snapshot } from '../device-fs.js';
import type { Flow } from '../flow.js';
import { inspect, type Inspection } from '../inspect.js';
import { redact } from '../../src/report/redact.js';
import type { Recorder, Verdict } from '../recorder.js';
import type { Secrets } from '../secrets.js';
import type { Device } from '../session.js';
import type { Ui } from '../ui.js';

export interface ProbeOutcome {
  verdict: Verdict;
  summary: string;
  evidence: string[];
  findings: Finding[];
}

export interface RunState {
  /** S0: clean install, before login. */
  baseline: Inspection | null;
  /** Session-like values present before login (pre-login identifiers). */
  baselineArtifacts: Artifact[];
  baselineAccounts: Account[] | null;
  /** The first login (probe 2). */
  login: { inspection: Inspection; artifacts: Artifact[]; at: number } | null;
  /** Plaintext tokens of every login, for the lifetime probe: {artifact, loginAt (ms)}. */
  tokens: { artifact: Artifact; at: number }[];
  /** The first login's plaintext tokens once logout has happened (replayed by the revocation probe). */
  loggedOutTokens: Artifact[];
  logoutDone: boolean;
}

export function emptyState(): RunState {
  return { baseline: null, baselineArtifacts: [], baselineAccounts: null, login: null, tokens: [], loggedOutTokens: [], logoutDone: false };
}

export interface ProbeContext {
  device: Device;
  fs: DeviceFs;
  flow: Flow;
  app: AppInfo;
  ui: Ui;
  rec: Recorder;
  secrets: Secrets;
  state: RunState;
  /** Fills in login steps and markers when the flow came from no file (autopilot). */
  discoverLogin?: () => Promise<void>;
  discoverLogout?: () => Promise<void>;
  /** Extra key-name patterns that mark session data. */
  extraKeyPatterns: string[];
}

export interface Probe {
  name: string;
  title: string;
  /** Null when the probe can run; otherwise why not (the probe is reported inconclusive). */
  precondition(ctx: ProbeContext): string | null;
  run(ctx: ProbeContext): Promise<ProbeOutcome>;
}

export function inconclusive(summary: string, evidence: string[] = []): ProbeOutcome {
  return { verdict: 'inconclusive', summary, evidence, findings: [] };
}

/** Snapshot + inspection against the baseline, as one recorded step. */
export async function takeSnapshot(ctx: ProbeContext, name = 'snapshot the app storage'): Promise<Inspection> {
  return ctx.rec.step(name, async () => {
    const snap: Snapshot = await ctx.fs.snapshot();
    const accounts = await ctx.fs.accounts();
    return inspect(ctx.fs, snap, {
      since: ctx.state.baseline?.snapshot ?? null,
      classify: { passwordHashes: ctx.ui.passwordHashes, extraKeyPatterns: ctx.extraKeyPatterns },
      accounts,
    });
  });
}

/** One line about what a snapshot could see. */
export function accessNote(i: Inspection): string {
  const s = i.snapshot;
  const parts = [`access: ${s.access}`, `${s.files.length} files in the data directory${s.complete ? '' : ' (listing incomplete)'}`];
  if (s.shared) parts.push(`${s.shared.length} files on shared storage`);
  if (i.unreadable.length) parts.push(`${i.unreadable.length} unreadable: ${i.unreadable.map((u) => `${u.path} (${u.reason})`).join('; ')}`);
  return parts.join(', ');
}

export const PLAINTEXT_TOKEN_KINDS = new Set(['jwt', 'bearer', 'opaque-token', 'session-id']);

/** A value as the report may show it: redacted; a typed password is never shown at all. */
export function showValue(a: Artifact): string {
  if (a.kind === 'password') return 'the password typed at login (not shown)';
  if (a.kind === 'account') return `account of type ${a.key}`;
  return `${a.kind} ${redact(a.value)}`;
}

export function placeOf(a: Artifact): string {
  if (a.area === 'accounts') return 'AccountManager';
  return `${a.area === 'data' ? '' : ''}${a.file} (${a.where})`;
}

export function describeArtifact(a: Artifact): string {
  return `${placeOf(a)}: ${showValue(a)}`;
}

/** The device path of an artifact's file. */
export function devicePath(a: Artifact, pkg: string): string {
  return a.area === 'data' ? `/data/data/${pkg}/${a.file}` : a.file;
}

export function uniqueArtifacts(list: readonly Artifact[]): Artifact[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const k = `${a.area}|${a.file}|${a.where}|${a.sha256}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function uniqueFindings(list: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    if (seen.has(f.fingerprint)) return false;
    seen.add(f.fingerprint);
    return true;
  });
}
