/**
 * JUnit XML for CI test-report views (GitHub test reporters, GitLab, Jenkins): one <testsuite> per
 * target, one <testcase> per rule that ran, failing when the rule found something at or above the
 * threshold. One more testcase, `analysis-complete`, errors when part of the APK could not be read,
 * so an incomplete analysis is never a silent green. Text from the APK is XML-escaped, and
 * characters XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become
 * visible `\uXXXX` escapes.
 */
import { atOrAbove, locationText, type RuleDoc } from './rule-docs.js';
import { SEVERITIES, type Finding, type Report, type Severity, type TargetResult } from './types.js';

export interface JunitOptions {
  /** The rules that ran (each gets a testcase, passing when it found nothing). Default: the rules with findings. */
  rules?: readonly Pick<RuleDoc, 'id' | 'title'>[];
  /** Findings at or above this severity fail their testcase. Default `low`: everything but `info`. */
  threshold?: Severity;
}

export const ANALYSIS_TESTCASE = 'analysis-complete';

const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function clean(s: string): string {
  return s.replace(INVALID_XML, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** Text content. */
export function xmlText(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute value (double-quoted); line breaks kept as character references, not normalised away. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function describe(f: Finding): string {
  const loc = locationText(f.location);
  return [
    `[${f.severity}] ${f.title}${f.library ? ` (third-party library: ${f.library})` : ''}`,
    loc ? `  at ${loc}` : '',
    `  ${f.message}`,
    f.evidence !== undefined ? `  evidence: ${f.evidence}` : '',
    `  confidence ${f.confidence}, fingerprint ${f.fingerprint}`,
  ]
    .filter(Boolean)
    .join('\n');
}

interface Case {
  xml: string;
  failed: boolean;
  errored: boolean;
}

function ruleCase(pkg: string, ruleId: string, findings: Finding[], threshold: Severity): Case {
  const failing = findings.filter((f) => atOrAbove(f.severity, threshold));
  const below = findings.filter((f) => !atOrAbove(f.severity, threshold));
  const open = `<testcase classname="${xmlAttr(pkg)}" name="${xmlAttr(ruleId)}" time="0"`;
  const out = below.length ? `\n      <system-out>${xmlText(below.map(describe).join('\n\n'))}</system-out>` : '';
  if (!failing.length) return { xml: out ? `${open}>${out}\n    </testcase>` : `${open}/>`, failed: false, errored: false };
  const worst = SEVERITIES.find((s) => failing.some((f) => f.severity === s))!;
  const titles = [...new Set(failing.map((f) => f.title))].join('; ');
  const message = clip(`${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${threshold}: ${titles}`, 500);
  const body = failing.map(describe).join('\n\n');
  return {
    xml: `${open}>\n      <failure message="${xmlAttr(message)}" type="${worst}">${xmlText(body)}</failure>${out}\n    </testcase>`,
    failed: true,
    errored: false,
  };
}

function analysisCase(r: TargetResult): Case {
  const open = `<testcase classname="${xmlAttr(r.app.package)}" name="${ANALYSIS_TESTCASE}" time="${seconds(r.analysis.durationMs)}"`;
  const incomplete = r.warnings.filter((w) => w.code === 'analysis-incomplete');
  const others = r.warnings.filter((w) => w.code !== 'analysis-incomplete');
  const out = others.length ? `\n      <system-out>${xmlText(others.map((w) => `${w.code} ${w.file}: ${w.message}`).join('\n'))}</system-out>` : '';
  if (r.analysis.complete && !incomplete.length) return { xml: out ? `${open}>${out}\n    </testcase>` : `${open}/>`, failed: false, errored: false };
  const body = incomplete.length ? incomplete.map((w) => `${w.file}: ${w.message}`).join('\n') : 'part of the APK could not be read';
  return {
    xml: `${open}>\n      <error message="Analysis incomplete: findings may be missing" type="analysis-incomplete">${xmlText(body)}</error>${out}\n    </testcase>`,
    failed: false,
    errored: true,
  };
}

function suite(r: TargetResult, ruleIds: string[], threshold: Severity): { xml: string; tests: number; failures: number; errors: number } {
  const byRule = new Map<string, Finding[]>(ruleIds.map((id) => [id, []]));
  for (const f of r.findings) {
    if (!byRule.has(f.ruleId)) byRule.set(f.ruleId, []);
    byRule.get(f.ruleId)!.push(f);
  }
  const cases = [...byRule].map(([id, fs]) => ruleCase(r.app.package, id, fs, threshold));
  cases.push(analysisCase(r));
  const failures = cases.filter((c) => c.failed).length;
  const errors = cases.filter((c) => c.errored).length;
  const props = [
    ['apk', r.target.path],
    ['sha256', r.target.sha256],
    ['versionName', r.app.versionName ?? ''],
    ['versionCode', String(r.app.versionCode ?? '')],
    ['targetSdk', String(r.app.targetSdk)],
    ['threshold', threshold],
  ]
    .map(([k, v]) => `      <property name="${k}" value="${xmlAttr(v!)}"/>`)
    .join('\n');
  const xml = `  <testsuite name="${xmlAttr(r.app.package)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(r.analysis.durationMs)}">
    <properties>
${props}
    </properties>
    ${cases.map((c) => c.xml).join('\n    ')}
  </testsuite>`;
  return { xml, tests: cases.length, failures, errors };
}

export function renderJunit(report: Report, opts: JunitOptions = {}): string {
  const threshold = opts.threshold ?? 'low';
  const ids = [...new Set([...(opts.rules ?? []).map((r) => r.id), ...report.results.flatMap((r) => r.findings.map((f) => f.ruleId))])];
  const suites = report.results.map((r) => suite(r, ids, threshold));
  const sum = (k: 'tests' | 'failures' | 'errors'): number => suites.reduce((n, s) => n + s[k], 0);
  const time = report.results.reduce((n, r) => n + r.analysis.durationMs, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="sessionscope ${xmlAttr(report.tool.version)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${seconds(time)}">
${suites.map((s) => s.xml).join('\n')}
</testsuites>
`;
}
