/**
 * GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` (and pull-request comments): per target a
 * severity count table, a findings table capped at `maxRows`, the details collapsed, warnings.
 * Text from the APK is escaped so it can neither break a table row, nor open a link, mention,
 * image, math block or HTML tag. GitHub refuses a step summary over 1 MiB: the output stays under
 * `maxBytes`, first by dropping the collapsed details, then by cutting whole lines.
 */
import { atOrAbove, dynamicStatusOf, locationText, ruleDocsById, severityCounts, type RuleDoc } from './rule-docs.js';
import { SEVERITIES, type Finding, type Report, type Severity, type TargetResult } from './types.js';

export interface MarkdownOptions {
  rules: readonly RuleDoc[];
  /** Findings table rows per target; the rest are counted in an "and N more" line. Default 50. */
  maxRows?: number;
  /** Upper bound on the UTF-8 size of the output. Default 1,000,000 (GitHub's limit is 1 MiB). */
  maxBytes?: number;
}

export const STEP_SUMMARY_LIMIT = 1024 * 1024;
const DEFAULT_MAX_BYTES = 1_000_000;

const SEV: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** One line of inline text: no newlines or control characters, Markdown/HTML/autolink syntax escaped. */
export function mdText(s: string, max = 2000): string {
  return clip(s.replace(/\r?\n|\r/g, ' ').replace(CONTROL, '').trim(), max).replace(/[\\`*_{}[\]()#!|<>~&@:$]/g, (c) => `\\${c}`);
}

/** mdText for a paragraph of its own: a leading `-`, `+`, `=` or `1.` would make a list or heading. */
export function mdLine(s: string, max = 2000): string {
  return mdText(s, max).replace(/^([-+=]|\d+(?=[.)]))/, (c) => (/\d/.test(c) ? `${c}\\` : `\\${c}`));
}

/**
 * A code span that survives any content: a backtick fence longer than the longest run inside.
 * In a table cell `|` must still be escaped (GFM splits cells before it parses code spans).
 */
export function mdCode(s: string, inTable: boolean, max = 500): string {
  let t = clip(s.replace(/\r?\n|\r/g, ' ').replace(CONTROL, ''), max);
  if (inTable) t = t.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t.startsWith(' ') ? ' ' : '';
  return t ? `${fence}${pad}${t}${pad}${fence}` : '';
}

/** A fenced code block that its content cannot close. */
function mdBlock(s: string, max = 4000): string {
  const t = clip(s.replace(/\r\n?/g, '\n').replace(CONTROL, ''), max);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${t}\n${fence}`;
}

function titleCell(f: Finding): string {
  const status = dynamicStatusOf(f);
  const extras = [
    f.library ? `third-party library ${mdText(f.library, 80)}` : '',
    status === 'confirmed' ? 'confirmed dynamically' : status === 'refuted' ? 'refuted dynamically' : '',
  ].filter(Boolean);
  return `${mdText(f.title, 200)}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

function findingDetails(f: Finding, doc: RuleDoc | undefined): string {
  const loc = locationText(f.location);
  const lines = [
    `#### ${SEV[f.severity]}: ${mdText(f.title, 200)}`,
    '',
    `Rule ${mdCode(f.ruleId, false)}${loc ? ` at ${mdCode(loc, false)}` : ''}, confidence ${f.confidence}${f.library ? `, third-party library ${mdText(f.library, 80)}` : ''}`,
    '',
    mdLine(f.message),
  ];
  if (f.evidence !== undefined) lines.push('', mdBlock(f.evidence, 1000));
  if (doc?.remediation) lines.push('', `**Fix:** ${mdText(doc.remediation)}`);
  const refs = [...f.masvs, ...f.mastg, ...f.cwe];
  if (refs.length) lines.push('', mdLine(refs.join(', '), 400));
  return lines.join('\n');
}

function dynamicLines(d: unknown): string[] {
  if (!d || typeof d !== 'object') return [];
  const run = d as { simulated?: unknown; probes?: unknown };
  const probes = Array.isArray(run.probes) ? run.probes.filter((p): p is Record<string, unknown> => !!p && typeof p === 'object') : [];
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const out = ['', `### Dynamic run${run.simulated === true ? ' (simulated device)' : ''}`, ''];
  if (!probes.length) return [...out, 'No probes ran.'];
  out.push('| Probe | Verdict | Summary |', '| --- | --- | --- |');
  for (const p of probes) out.push(`| ${mdText(str(p.name), 100)} | ${mdText(str(p.verdict) || 'inconclusive', 20)} | ${mdText(str(p.summary), 500)} |`);
  return out;
}

function targetLines(r: TargetResult, docs: Map<string, RuleDoc>, maxRows: number, details: boolean): string[] {
  const a = r.app;
  const counts = severityCounts(r.findings);
  const out = [
    `## ${mdText(a.package, 200)}${a.versionName ? ` ${mdText(a.versionName, 60)}` : ''}`,
    '',
    `${mdCode(r.target.path, false)} · minSdk ${a.minSdk} · targetSdk ${a.targetSdk} · ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}`,
  ];
  if (!r.analysis.complete) {
    out.push('', '> [!WARNING]', '> **Analysis incomplete.** Part of this APK could not be read, so findings may be missing; see the warnings below.');
  }
  out.push('', '| Severity | Findings |', '| --- | ---: |', ...SEVERITIES.map((s) => `| ${SEV[s]} | ${counts[s]} |`));
  if (r.findings.length) {
    const shown = r.findings.slice(0, maxRows);
    out.push('', '| Severity | Rule | Title | Location |', '| --- | --- | --- | --- |');
    for (const f of shown) out.push(`| ${SEV[f.severity]} | ${mdCode(f.ruleId, true, 100)} | ${titleCell(f)} | ${mdCode(locationText(f.location), true, 300)} |`);
    const more = r.findings.length - shown.length;
    if (more > 0) out.push('', `…and ${more} more finding${more === 1 ? '' : 's'} (see the full report).`);
    if (details) {
      out.push('', '<details>', `<summary>Messages and fixes (${shown.length} finding${shown.length === 1 ? '' : 's'})</summary>`, '');
      out.push(shown.map((f) => findingDetails(f, docs.get(f.ruleId))).join('\n\n'));
      out.push('', '</details>');
    }
  } else {
    out.push('', 'No findings.');
  }
  if (r.warnings.length) {
    out.push('', '### Warnings', '');
    for (const w of r.warnings) {
      out.push(`- **${w.code === 'analysis-incomplete' ? 'Analysis incomplete' : 'Suspicious structure'}** in ${mdCode(w.file, false, 200)}: ${mdText(w.message, 500)}`);
    }
  }
  out.push(...dynamicLines(r.dynamic));
  return out;
}

function build(report: Report, opts: MarkdownOptions, details: boolean): string {
  const docs = ruleDocsById(opts.rules);
  const maxRows = Math.max(0, opts.maxRows ?? 50);
  const total = report.results.reduce((n, r) => n + r.findings.length, 0);
  const high = report.results.reduce((n, r) => n + r.findings.filter((f) => atOrAbove(f.severity, 'high')).length, 0);
  const lines = [
    '# sessionscope report',
    '',
    `sessionscope ${mdText(report.tool.version, 40)} · ${report.results.length} app${report.results.length === 1 ? '' : 's'} · ${total} finding${total === 1 ? '' : 's'}, ${high} high or critical`,
  ];
  for (const r of report.results) lines.push('', ...targetLines(r, docs, maxRows, details));
  return `${lines.join('\n')}\n`;
}

export function renderMarkdown(report: Report, opts: MarkdownOptions): string {
  const limit = Math.min(opts.maxBytes ?? DEFAULT_MAX_BYTES, STEP_SUMMARY_LIMIT);
  const full = build(report, opts, true);
  if (Buffer.byteLength(full, 'utf8') <= limit) return full;
  const note = '\n_Details omitted: the summary would exceed the size GitHub accepts. See the full report._\n';
  const brief = build(report, opts, false) + note;
  if (Buffer.byteLength(brief, 'utf8') <= limit) return brief;
  const tail = '\n_…truncated: the summary would exceed the size GitHub accepts. See the full report._\n';
  const budget = limit - Buffer.byteLength(tail, 'utf8');
  const kept: string[] = [];
  let size = 0;
  for (const line of brief.split('\n')) {
    const n = Buffer.byteLength(line, 'utf8') + 1;
    if (size + n > budget) break;
    kept.push(line);
    size += n;
  }
  return `${kept.join('\n')}\n${tail}`;
}
