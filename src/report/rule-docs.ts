/**
 * What the report renderers know about a rule, independent of the rule registry: the registry
 * turns each rule's `meta` into a RuleDoc and hands the list to the renderers (SARIF rule
 * descriptors, the HTML "Rules" appendix, Markdown details). A finding whose rule is missing from
 * the list still renders, from the finding's own title and references.
 *
 * Also here: the small helpers every renderer shares (location text, Java names from DEX
 * descriptors, severity counts, the loose reading of fields later stages add to the report).
 */
import { SEVERITIES, type Finding, type FindingLocation, type Report, type Severity, type TargetResult } from './types.js';

export interface RuleDoc {
  /** Stable rule id, e.g. `cleartext-traffic`. */
  id: string;
  title: string;
  /** The rule's default severity (a finding may be raised or lowered). */
  severity: Severity;
  /** What it means and why it matters. */
  description: string;
  /** How to fix it. */
  remediation: string;
  masvs: string[];
  mastg: string[];
  cwe: string[];
  references?: string[];
}

export const REPOSITORY_URL = 'https://github.com/sessionscope/sessionscope';

/** The rule's section in the generated reference page (anchors are the rule ids). */
export function ruleHelpUri(id: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules.md#${encodeURIComponent(id)}`;
}

export function ruleDocsById(rules: readonly RuleDoc[]): Map<string, RuleDoc> {
  return new Map(rules.map((r) => [r.id, r]));
}

/** A RuleDoc for a rule id the registry did not describe, built from its first finding. */
export function ruleDocFromFinding(f: Finding): RuleDoc {
  return { id: f.ruleId, title: f.title, severity: f.severity, description: f.title, remediation: '', masvs: f.masvs, mastg: f.mastg, cwe: f.cwe };
}

/**
 * The rules a report refers to, in a stable order: every documented rule first (the order given),
 * then any rule id that only appears in findings.
 */
export function rulesForReport(report: Report, rules: readonly RuleDoc[]): RuleDoc[] {
  const out = [...rules];
  const known = new Set(rules.map((r) => r.id));
  for (const r of report.results) {
    for (const f of r.findings) {
      if (known.has(f.ruleId)) continue;
      known.add(f.ruleId);
      out.push(ruleDocFromFinding(f));
    }
  }
  return out;
}

/** `Lcom/example/Foo$Bar;` (DEX descriptor) or `com.example.Foo$Bar` → `com.example.Foo$Bar`. */
export function javaClassName(cls: string): string {
  const d = cls.startsWith('L') && cls.endsWith(';') ? cls.slice(1, -1) : cls;
  return d.replace(/\//g, '.');
}

/** `com.example.Foo.bar` for a code location, null when the finding has no class. */
export function qualifiedName(loc: FindingLocation): string | null {
  if (!loc.class) return null;
  const cls = javaClassName(loc.class);
  return loc.method ? `${cls}.${loc.method}` : cls;
}

/** One line of human-readable location: `AndroidManifest.xml:12 <application>`, `com.example.Foo.bar()`. */
export function locationText(loc: FindingLocation): string {
  const parts: string[] = [];
  const qn = qualifiedName(loc);
  if (qn) parts.push(loc.method ? `${qn}()` : qn);
  if (loc.file) parts.push(`${loc.file}${loc.line ? `:${loc.line}` : ''}`);
  if (loc.element && !qn) parts.push(`<${loc.element}>`);
  return parts.join(' ');
}

export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Whether a finding of this severity trips a --fail-on threshold ('never' trips nothing). */
export function atOrAbove(sev: Severity, threshold: Severity | 'never'): boolean {
  if (threshold === 'never') return false;
  return SEVERITIES.indexOf(sev) <= SEVERITIES.indexOf(threshold);
}

/** Set on a static finding once the dynamic run has tried it (a later addition to Finding). */
export type DynamicStatus = 'confirmed' | 'refuted' | 'not-tested';

export function dynamicStatusOf(f: Finding): DynamicStatus | null {
  const s = (f as Finding & { dynamicStatus?: unknown }).dynamicStatus;
  return s === 'confirmed' || s === 'refuted' || s === 'not-tested' ? s : null;
}

/** Human wording for the report's `cleartextSource` (src/model/nsc.ts). */
export function cleartextSourceText(app: TargetResult['app']): string {
  switch (app.cleartextSource) {
    case 'nsc-base-config':
      return "the network security config's base-config";
    case 'nsc-platform-default':
      return `the platform default for targetSdk ${app.targetSdk}: the network security config's base-config sets no cleartext policy`;
    case 'manifest-attribute':
      return 'android:usesCleartextTraffic in the manifest';
    case 'targetSdk-default':
      return `the platform default for targetSdk ${app.targetSdk}: no network security config and no android:usesCleartextTraffic`;
    default:
      return app.cleartextSource;
  }
}
