/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
 *
 * One run per report (GitHub no longer accepts several runs of one tool and category in a file);
 * every target's findings are results of that run, each pointing at exactly one location (GitHub
 * shows only the first). Severities reach GitHub through the rules' `security-severity`.
 * Constraints followed from GitHub's "SARIF support for code scanning": ruleId on every result,
 * partialFingerprints, messages capped, a physicalLocation on every result, relative URIs with a
 * uriBaseId when the app's source root is known.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import {
  REPOSITORY_URL,
  dynamicStatusOf,
  javaClassName,
  qualifiedName,
  ruleHelpUri,
  rulesForReport,
  type RuleDoc,
} from './rule-docs.js';
import type { Finding, Report, Severity, TargetResult } from './types.js';

export interface SarifOptions {
  rules: readonly RuleDoc[];
  /**
   * Where the app's sources live relative to the repository root, e.g. `app/src/main`. When set,
   * manifest, resource and code findings point into the source tree (uriBaseId %SRCROOT%);
   * otherwise they point into the APK.
   */
  sourceRoot?: string;
  /** runAutomationDetails.id: tells GitHub which analysis a later upload replaces. */
  category?: string;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** GitHub shows a result's message in full only up to about this many characters. */
export const MAX_MESSAGE_CHARS = 1000;

const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function sarifLevel(sev: Severity): Sarif.Result.level {
  return sev === 'critical' || sev === 'high' ? 'error' : sev === 'medium' ? 'warning' : 'note';
}

function cap(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A relative path as a URI reference: forward slashes, each segment percent-encoded. */
function relativeUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%40/g, '@').replace(/%2B/g, '+'))
    .join('/');
}

function cleanRoot(root: string): string {
  return root.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/** `cleartext-traffic` → `CleartextTraffic` (reportingDescriptor.name is an identifier). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function cweTag(cwe: string): string {
  return `external/cwe/${cwe.toLowerCase()}`;
}

function cweLink(cwe: string): string {
  const n = /^CWE-(\d+)$/i.exec(cwe)?.[1];
  return n ? `[${cwe}](https://cwe.mitre.org/data/definitions/${n}.html)` : cwe;
}

function ruleDescriptor(doc: RuleDoc): Sarif.ReportingDescriptor {
  const refs = doc.references ?? [];
  const text = [
    doc.description,
    doc.remediation ? `Remediation: ${doc.remediation}` : '',
    doc.masvs.length ? `MASVS: ${doc.masvs.join(', ')}` : '',
    doc.mastg.length ? `MASTG: ${doc.mastg.join(', ')}` : '',
    doc.cwe.length ? `CWE: ${doc.cwe.join(', ')}` : '',
    refs.length ? `References:\n${refs.map((r) => `- ${r}`).join('\n')}` : '',
  ].filter(Boolean);
  const markdown = [
    doc.description,
    doc.remediation ? `## Remediation\n\n${doc.remediation}` : '',
    [
      doc.masvs.length ? `**MASVS:** ${doc.masvs.join(', ')}` : '',
      doc.mastg.length ? `**MASTG:** ${doc.mastg.join(', ')}` : '',
      doc.cwe.length ? `**CWE:** ${doc.cwe.map(cweLink).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('  \n'),
    refs.length ? `## References\n\n${refs.map((r) => `- <${r}>`).join('\n')}` : '',
  ].filter(Boolean);
  return {
    id: doc.id,
    name: ruleName(doc.id),
    shortDescription: { text: doc.title },
    fullDescription: { text: doc.description },
    help: { text: text.join('\n\n'), markdown: markdown.join('\n\n') },
    helpUri: ruleHelpUri(doc.id),
    defaultConfiguration: { level: sarifLevel(doc.severity) },
    properties: {
      tags: ['security', 'android', ...doc.masvs, ...doc.cwe.map(cweTag)],
      'security-severity': SECURITY_SEVERITY[doc.severity],
      masvs: doc.masvs,
      mastg: doc.mastg,
      cwe: doc.cwe,
    },
  };
}

/** The run's artifact table: each APK, and the files inside it that results point at. */
class Artifacts {
  readonly list: Sarif.Artifact[] = [];
  private readonly nested = new Map<string, number>();
  private readonly apks = new Map<TargetResult, number>();

  constructor(private readonly srcRooted: boolean) {}

  /** The APK itself: a file URI when its path is absolute, else relative (to %SRCROOT% when known). */
  apkLocation(r: TargetResult): Sarif.ArtifactLocation {
    const index = this.apkIndex(r);
    return { ...this.list[index]!.location, index };
  }

  apkIndex(r: TargetResult): number {
    let i = this.apks.get(r);
    if (i === undefined) {
      i = this.list.length;
      this.apks.set(r, i);
      const p = r.target.path;
      this.list.push({
        location: isAbsolute(p) ? { uri: pathToFileURL(p).href } : { uri: relativeUri(p), ...(this.srcRooted ? { uriBaseId: SRCROOT } : {}) },
        roles: ['analysisTarget'],
        mimeType: 'application/vnd.android.package-archive',
        length: r.target.sizeBytes,
        hashes: { 'sha-256': r.target.sha256 },
        properties: { package: r.app.package },
      });
    }
    return i;
  }

  /** A file inside the APK (AndroidManifest.xml, res/xml/…, classes2.dex): nested under the APK. */
  inApk(r: TargetResult, file: string): Sarif.ArtifactLocation {
    const parentIndex = this.apkIndex(r);
    const uri = relativeUri(file);
    const key = `${parentIndex}\u0000${uri}`;
    let i = this.nested.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.nested.set(key, i);
      this.list.push({ location: { uri }, parentIndex });
    }
    return { uri, index: i };
  }
}

function underRoot(root: string, path: string): string {
  return root ? `${root}/${path}` : path;
}

function sourcePath(file: string): string | null {
  if (file === 'AndroidManifest.xml') return 'AndroidManifest.xml';
  // Resource files keep their directory in a Gradle source set (res/xml/…); an obfuscated resource
  // table (res/Ab.xml, no type directory) has no source counterpart we could name.
  if (/^res\/[^/]+\/[^/]+$/.test(file)) return file;
  if (file.startsWith('assets/')) return file;
  return null;
}

/**
 * Where a finding points. Manifest, resource and asset findings have a file and usually a line.
 * Code findings have a class and method but no line: DEX debug info is often stripped and the
 * model does not map code offsets to lines, so the logical location (`com.example.Foo.bar`) is the
 * exact answer, and `<sourceRoot>/java/com/example/Foo.java` (outer class, no region) only a
 * best-effort guess so GitHub has a file to attach the alert to — it may be Kotlin, or generated.
 */
function resultLocation(f: Finding, r: TargetResult, arts: Artifacts, root: string | null): Sarif.Location {
  const loc = f.location;
  const region: Sarif.Region | undefined = loc.line && loc.line > 0 ? { startLine: loc.line } : undefined;
  const logical: Sarif.LogicalLocation[] | undefined = loc.class
    ? [
        loc.method
          ? { name: loc.method, fullyQualifiedName: qualifiedName(loc)!, kind: 'function' }
          : { name: javaClassName(loc.class).split('.').pop()!, fullyQualifiedName: javaClassName(loc.class), kind: 'type' },
      ]
    : undefined;
  let physical: Sarif.PhysicalLocation;
  const src = loc.file ? sourcePath(loc.file) : null;
  if (root !== null && src !== null) {
    physical = { artifactLocation: { uri: relativeUri(underRoot(root, src)), uriBaseId: SRCROOT }, ...(region ? { region } : {}) };
  } else if (root !== null && loc.class) {
    const outer = javaClassName(loc.class).split('$')[0]!;
    physical = { artifactLocation: { uri: relativeUri(underRoot(root, `java/${outer.replace(/\./g, '/')}.java`)), uriBaseId: SRCROOT } };
  } else if (loc.file) {
    physical = { artifactLocation: arts.inApk(r, loc.file), ...(region ? { region } : {}) };
  } else {
    // No location at all (an app-wide finding): GitHub requires a physical location; the APK is it.
    physical = { artifactLocation: arts.apkLocation(r) };
  }
  return { physicalLocation: physical, ...(logical ? { logicalLocations: logical } : {}) };
}

function resultOf(f: Finding, r: TargetResult, ruleIndex: number, arts: Artifacts, root: string | null): Sarif.Result {
  const qn = qualifiedName(f.location);
  const text = qn && !f.message.includes(qn) ? `${f.message} (in ${qn})` : f.message;
  const status = dynamicStatusOf(f);
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: cap(text) },
    locations: [resultLocation(f, r, arts, root)],
    partialFingerprints: { 'sessionscope/v1': f.fingerprint },
    properties: {
      title: f.title,
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      confidence: f.confidence,
      stage: f.stage,
      target: r.target.path,
      ...(f.library ? { library: f.library } : {}),
      ...(f.evidence !== undefined ? { evidence: cap(f.evidence) } : {}),
      ...(status ? { dynamicStatus: status } : {}),
    },
  };
}

function notificationsOf(r: TargetResult, arts: Artifacts): Sarif.Notification[] {
  const where: Sarif.Location[] = [{ physicalLocation: { artifactLocation: arts.apkLocation(r) } }];
  const out: Sarif.Notification[] = r.warnings.map((w) => ({
    level: w.code === 'analysis-incomplete' ? 'warning' : 'note',
    descriptor: { id: w.code },
    message: { text: cap(`${w.code === 'analysis-incomplete' ? 'Analysis incomplete' : 'Suspicious structure'} in ${r.target.path}: ${w.file}: ${w.message}`) },
    locations: where,
  }));
  if (!r.analysis.complete && !r.warnings.some((w) => w.code === 'analysis-incomplete')) {
    out.push({
      level: 'warning',
      descriptor: { id: 'analysis-incomplete' },
      message: { text: `Analysis incomplete in ${r.target.path}: part of the APK could not be read; findings may be missing.` },
      locations: where,
    });
  }
  return out;
}

/**
 * runAutomationDetails.id: GitHub takes everything before the last "/" as the analysis category,
 * so the category is written with a trailing slash (as github/codeql-action/upload-sarif does
 * with its `category` input); without one, "static/app" would become category "static".
 */
function automationId(report: Report, category: string | undefined): string {
  const id = category ?? (report.results.some((r) => r.dynamic !== null && r.dynamic !== undefined) ? 'sessionscope/dynamic' : 'sessionscope/static');
  return id.endsWith('/') ? id : `${id}/`;
}

export function buildSarif(report: Report, opts: SarifOptions): Sarif.Log {
  // '' (the repository root is the source root) is a valid source root.
  const root = opts.sourceRoot !== undefined ? cleanRoot(opts.sourceRoot) : null;
  const docs = rulesForReport(report, opts.rules);
  const index = new Map(docs.map((d, i) => [d.id, i]));
  const arts = new Artifacts(root !== null);
  const results: Sarif.Result[] = [];
  const notifications: Sarif.Notification[] = [];
  for (const r of report.results) {
    arts.apkIndex(r);
    for (const f of r.findings) results.push(resultOf(f, r, index.get(f.ruleId)!, arts, root));
    notifications.push(...notificationsOf(r, arts));
  }
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'sessionscope',
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: REPOSITORY_URL,
        rules: docs.map(ruleDescriptor),
      },
    },
    automationDetails: { id: automationId(report, opts.category) },
    ...(root !== null ? { originalUriBaseIds: { [SRCROOT]: { description: { text: 'The root of the repository the app is built from.' } } } } : {}),
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
    artifacts: arts.list,
    results,
    properties: {
      targets: report.results.map((r) => ({
        path: r.target.path,
        package: r.app.package,
        versionName: r.app.versionName,
        versionCode: r.app.versionCode,
        analysisComplete: r.analysis.complete,
      })),
    },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export function renderSarif(report: Report, opts: SarifOptions): string {
  return `${JSON.stringify(buildSarif(report, opts), null, 2)}\n`;
}
