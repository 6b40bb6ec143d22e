/**
 * The shape of a static rule, as ESLint made familiar: `meta` describes it (and generates the
 * rules reference page), `check` reads the app model and reports findings through the context.
 * A rule never parses bytes and never formats output.
 */
import { createHash } from 'node:crypto';
import type { AppModel } from '../model/app.js';
import type { Finding, FindingLocation, Severity } from '../report/types.js';
import { SEVERITIES } from '../report/types.js';
import { redact } from '../report/redact.js';
import { libraryOf } from '../model/libraries.js';

export interface RuleMeta {
  /** Stable id other tools and CI configurations depend on. */
  id: string;
  title: string;
  /** The severity when nothing in the finding raises or lowers it. */
  severity: Severity;
  masvs: string[];
  mastg: string[];
  cwe: string[];
  /** What it means and why it matters (one paragraph). */
  description: string;
  /** How to fix it. */
  remediation: string;
  references?: string[];
}

export interface ReportInput {
  message: string;
  location: FindingLocation;
  /** Raw evidence text; wrap secret values with ctx.secret() before putting them here. */
  evidence?: string;
  severity?: Severity;
  confidence?: Finding['confidence'];
  title?: string;
  /**
   * What makes this flaw the same flaw in another build: rule id is added; use names (class,
   * method, key, host), never line numbers, code offsets or hashes of the APK.
   */
  fingerprint: string[];
}

export interface RuleOptions {
  showSecrets: boolean;
  /** Extra key-name patterns (regex sources) that mark session data, from the config file. */
  extraTokenPatterns: string[];
  /** Library packages (dotted or descriptor prefixes) treated as third-party code. */
  ignoredLibraries: string[];
}

export interface RuleContext {
  app: AppModel;
  options: RuleOptions;
  /** Redacts a secret value unless --show-secrets. */
  secret(value: string): string;
  report(input: ReportInput): void;
}

export interface Rule {
  meta: RuleMeta;
  check(app: AppModel, ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Lowers a severity one step (third-party code ranks below first-party code). */
export function lower(sev: Severity): Severity {
  const i = SEVERITIES.indexOf(sev);
  return SEVERITIES[Math.min(SEVERITIES.length - 1, i + 1)]!;
}

export function fingerprintOf(ruleId: string, parts: string[]): string {
  return createHash('sha256').update([ruleId, ...parts].join('\u0000')).digest('hex').slice(0, 32);
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = { showSecrets: false, extraTokenPatterns: [], ignoredLibraries: [] };

/** Runs rules over one app; a rule that throws is reported as a warning, the others still run. */
export function runRules(app: AppModel, rules: readonly Rule[], options: RuleOptions = DEFAULT_RULE_OPTIONS): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const ctx: RuleContext = {
      app,
      options,
      secret: (v) => redact(v, options.showSecrets),
      report(input) {
        const fingerprint = fingerprintOf(rule.meta.id, input.fingerprint);
        if (seen.has(fingerprint)) return;
        seen.add(fingerprint);
        const lib = input.location.class ? libraryOf(input.location.class, options.ignoredLibraries, app.manifest.package) : null;
        let severity = input.severity ?? rule.meta.severity;
        let message = input.message;
        if (lib) {
          severity = lower(severity);
          message = `${message} (in third-party library code: ${lib})`;
        }
        findings.push({
          ruleId: rule.meta.id,
          stage: 'static',
          severity,
          confidence: input.confidence ?? 'high',
          title: input.title ?? rule.meta.title,
          message,
          location: input.location,
          ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
          fingerprint,
          masvs: rule.meta.masvs,
          mastg: rule.meta.mastg,
          cwe: rule.meta.cwe,
          ...(lib ? { library: lib } : {}),
        });
      },
    };
    try {
      rule.check(app, ctx);
    } catch (err) {
      app.warnings.push({ code: 'analysis-incomplete', file: `rule ${rule.meta.id}`, message: `the rule stopped early: ${(err as Error).message}` });
    }
  }
  return findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || (a.library ? 1 : 0) - (b.library ? 1 : 0));
}
