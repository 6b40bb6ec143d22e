/**
 * Records the run as it happens: every step gets a progress line on stderr (with its duration),
 * a screenshot and a page source under the output folder (credentials masked, password fields
 * blanked), and an entry in the probe it belongs to. The report is built from what is recorded
 * here, so whatever happened before a crash, a lost device or Ctrl-C is kept.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maskPageSource, type Secrets } from './secrets.js';
import { DeviceError, FATAL_KINDS, type Device } from './session.js';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface StepRecord {
  name: string;
  durationMs: number;
  /** Path relative to the report folder, or null when it could not be taken. */
  screenshot: string | null;
  pageSource: string | null;
  /** Set when the step failed. */
  error?: string;
}

export interface ProbeRecord {
  name: string;
  title: string;
  verdict: Verdict;
  summary: string;
  evidence: string[];
  steps: StepRecord[];
  durationMs: number;
}

export interface ProgressSink {
  line(text: string): void;
}

export const stderrProgress: ProgressSink = { line: (t) => process.stderr.write(`${t}\n`) };

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'step';
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export class Recorder {
  readonly probes: ProbeRecord[] = [];
  private current: ProbeRecord | null = null;
  private probeIndex = 0;
  private probeStart = 0;
  /** "probe › step" of the step running now (for "stopped at"). */
  where = 'start';
  device: Device | null = null;

  constructor(
    readonly outDir: string,
    private readonly secrets: Secrets,
    private readonly progress: ProgressSink = stderrProgress,
    private readonly opts: { capture: boolean } = { capture: true },
  ) {}

  log(text: string): void {
    this.progress.line(this.secrets.mask(text));
  }

  startProbe(name: string, title: string, index: number, total: number): ProbeRecord {
    this.probeIndex = index;
    this.probeStart = performance.now();
    this.current = { name, title, verdict: 'inconclusive', summary: 'not finished', evidence: [], steps: [], durationMs: 0 };
    this.probes.push(this.current);
    this.where = name;
    this.log(`[${index}/${total}] ${name}: ${title}`);
    return this.current;
  }

  endProbe(verdict: Verdict, summary: string, evidence: string[]): void {
    if (!this.current) return;
    this.current.verdict = verdict;
    this.current.summary = this.secrets.mask(summary);
    this.current.evidence = evidence.map((e) => this.secrets.mask(e));
    this.current.durationMs = Math.round(performance.now() - this.probeStart);
    this.log(`      => ${verdict.toUpperCase()}: ${this.current.summary} (${seconds(this.current.durationMs)})`);
    this.current = null;
  }

  /** Marks the running probe as stopped (crash, lost device, Ctrl-C). */
  abortProbe(reason: string): void {
    if (!this.current) return;
    this.current.verdict = 'inconclusive';
    this.current.summary = this.secrets.mask(`stopped: ${reason}`);
    this.current.durationMs = Math.round(performance.now() - this.probeStart);
    this.current = null;
  }

  /** Runs one step: progress line with duration, screenshot and page source after it (also when it fails). */
  async step<T>(name: string, fn: () => Promise<T>, opts: { capture?: boolean; screenshot?: boolean } = {}): Promise<T> {
    const probe = this.current;
    const label = `${probe?.name ?? 'setup'} › ${name}`;
    this.where = label;
    const t0 = performance.now();
    const rec: StepRecord = { name: this.secrets.mask(name), durationMs: 0, screenshot: null, pageSource: null };
    probe?.steps.push(rec);
    let failed: unknown = null;
    let result: T | undefined;
    try {
      result = await fn();
    } catch (err) {
      failed = err;
    }
    rec.durationMs = Math.round(performance.now() - t0);
    if (failed) rec.error = this.secrets.mask((failed as Error).message ?? String(failed));
    this.log(`  ${label}${failed ? ' FAILED' : ''} (${seconds(rec.durationMs)})`);
    const fatal = failed instanceof DeviceError && FATAL_KINDS.includes(failed.kind);
    if (this.opts.capture && opts.capture !== false && this.device && !fatal) await this.capture(rec, probe, opts.screenshot !== false);
    if (failed) throw failed;
    return result as T;
  }

  private async capture(rec: StepRecord, probe: ProbeRecord | null, screenshot: boolean): Promise<void> {
    const dir = join('steps', `${String(this.probeIndex).padStart(2, '0')}-${slug(probe?.name ?? 'setup')}`);
    const base = `${String(probe?.steps.length ?? 0).padStart(2, '0')}-${slug(rec.name)}`;
    try {
      await mkdir(join(this.outDir, dir), { recursive: true });
    } catch {
      return;
    }
    try {
      if (!screenshot) throw new Error('not taken');
      const png = await this.device!.screenshot();
      await writeFile(join(this.outDir, dir, `${base}.png`), png);
      rec.screenshot = `${dir}/${base}.png`;
    } catch {
      // no screenshot (device gone, screen secure): the step is still recorded
    }
    try {
      const xml = await this.device!.pageSource();
      await writeFile(join(this.outDir, dir, `${base}.xml`), maskPageSource(xml, this.secrets));
      rec.pageSource = `${dir}/${base}.xml`;
    } catch {
      // no page source
    }
  }
}
