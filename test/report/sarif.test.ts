/**
 * SARIF output: valid against the SARIF 2.1.0 JSON schema, and shaped the way GitHub code
 * scanning reads it (one location per result, fingerprints, severities, source-root URIs).
 *
 * The schema is the one @microsoft/jest-sarif ships (lib/schemas/sarif-2.1.0-rtm.5.json, the
 * SARIF TC's 2.1.0 release schema, JSON Schema draft-04); nothing is fetched at test time.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type AjvModule from 'ajv-draft-04';
import type FormatsModule from 'ajv-formats';
import type * as Sarif from 'sarif';
import { MAX_MESSAGE_CHARS, buildSarif, renderSarif } from '../../src/report/sarif.js';
import type { RuleDoc } from '../../src/report/rule-docs.js';
import type { Report } from '../../src/report/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const load = (name: string): Report => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Report;
const RULES = JSON.parse(readFileSync(join(FIXTURES, 'rules.json'), 'utf8')) as RuleDoc[];

const require = createRequire(import.meta.url);
// CommonJS packages: required directly so the constructor is the same under tsc and vitest.
const Ajv = (require('ajv-draft-04') as typeof AjvModule).default;
const addFormats = (require('ajv-formats') as typeof FormatsModule).default;
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
// unicodeRegExp off: the schema's `language` pattern has a stray `]` that only the `u` flag rejects.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSchema = ajv.compile(schema);

function valid(text: string): Sarif.Log {
  const log = JSON.parse(text) as Sarif.Log;
  const ok = validateSchema(log);
  expect(ok ? [] : validateSchema.errors).toEqual([]);
  return log;
}

/** The constraints GitHub's "SARIF support for code scanning" page states for uploads. */
function assertGithubConstraints(log: Sarif.Log, sourceRooted: boolean): void {
  expect(log.version).toBe('2.1.0');
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0]!;
  const rules = run.tool.driver.rules ?? [];
  for (const rule of rules) {
    expect(rule.id).toMatch(/^[a-z0-9-]+$/);
    expect(rule.shortDescription?.text.length).toBeGreaterThan(0);
    expect(rule.fullDescription?.text.length).toBeGreaterThan(0);
    expect(rule.help?.text.length).toBeGreaterThan(0);
    const sev = Number(rule.properties?.['security-severity']);
    expect(sev).toBeGreaterThanOrEqual(0);
    expect(sev).toBeLessThanOrEqual(10);
    expect(rule.properties?.tags).toContain('security');
  }
  for (const res of run.results ?? []) {
    expect(res.ruleId).toMatch(/^[a-z][a-z0-9-]+$/);
    expect(rules[res.ruleIndex!]!.id).toBe(res.ruleId);
    expect(res.message.text!.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(res.partialFingerprints?.['sessionscope/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.locations).toHaveLength(1);
    const phys = res.locations![0]!.physicalLocation!;
    expect(phys.artifactLocation?.uri).toMatch(/\S/);
    if (phys.region) expect(phys.region.startLine).toBeGreaterThan(0);
    if (sourceRooted && phys.artifactLocation?.uriBaseId !== undefined) {
      expect(phys.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(phys.artifactLocation.uri).not.toMatch(/^([a-z]+:|\/)/i);
    }
  }
}

describe('renderSarif', () => {
  const report = load('insecure-invoice.json');

  it('is valid SARIF 2.1.0 and meets GitHub upload constraints, with and without a source root', () => {
    assertGithubConstraints(valid(renderSarif(report, { rules: RULES })), false);
    assertGithubConstraints(valid(renderSarif(report, { rules: RULES, sourceRoot: 'app/src/main' })), true);
    assertGithubConstraints(valid(renderSarif(load('hostile-multi.json'), { rules: RULES, sourceRoot: 'app/src/main/' })), true);
  });

  it('the schema check rejects what GitHub would reject (the validator is not vacuous)', () => {
    const log = buildSarif(report, { rules: RULES });
    const bad = structuredClone(log) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    bad.runs[0]!.results[0]!.level = 'fatal';
    expect(validateSchema(bad)).toBe(false);
    const noMessage = structuredClone(log) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    delete noMessage.runs[0]!.results[0]!.message;
    expect(validateSchema(noMessage)).toBe(false);
  });

  it('describes the tool and every rule with tags, security-severity and help', () => {
    const run = buildSarif(report, { rules: RULES }).runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'sessionscope', version: '0.1.0', informationUri: 'https://github.com/sessionscope/sessionscope' });
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const storage = run.tool.driver.rules!.find((r) => r.id === 'plaintext-session-storage')!;
    expect(storage.name).toBe('PlaintextSessionStorage');
    expect(storage.shortDescription).toEqual({ text: 'Session token stored in plaintext' });
    expect(storage.helpUri).toBe('https://github.com/sessionscope/sessionscope/blob/main/docs/rules.md#plaintext-session-storage');
    expect(storage.defaultConfiguration).toEqual({ level: 'error' });
    expect(storage.properties!.tags).toEqual(['security', 'android', 'MASVS-STORAGE-1', 'external/cwe/cwe-312']);
    expect(storage.properties!['security-severity']).toBe('8.0');
    expect(storage.help!.text).toContain('Remediation: Encrypt the value with a key held in the Android Keystore');
    expect(storage.help!.markdown).toContain('## Remediation');
    expect(storage.help!.markdown).toContain('[CWE-312](https://cwe.mitre.org/data/definitions/312.html)');
    const sevs = Object.fromEntries(run.tool.driver.rules!.map((r) => [r.id, r.properties!['security-severity']]));
    expect(sevs).toMatchObject({ 'cleartext-traffic': '8.0', 'nsc-trust': '5.5', 'test-only': '3.0' });
    // The fixture report carries a dynamic run; without one the default category says static.
    expect(run.automationDetails).toEqual({ id: 'sessionscope/dynamic/' });
    expect(buildSarif({ ...report, results: report.results.map((r) => ({ ...r, dynamic: null })) }, { rules: RULES }).runs[0]!.automationDetails).toEqual({ id: 'sessionscope/static/' });
    expect(buildSarif(report, { rules: RULES, category: 'my-app/dynamic' }).runs[0]!.automationDetails).toEqual({ id: 'my-app/dynamic/' });
    expect(buildSarif(report, { rules: RULES, category: 'ends/' }).runs[0]!.automationDetails).toEqual({ id: 'ends/' });
  });

  it('maps every finding to one result with level, fingerprint and properties', () => {
    const run = buildSarif(report, { rules: RULES }).runs[0]!;
    const results = run.results!;
    expect(results).toHaveLength(10);
    expect(results.map((r) => r.level)).toEqual(['error', 'error', 'error', 'error', 'error', 'warning', 'warning', 'warning', 'warning', 'note']);
    const lib = results[9]!;
    expect(lib.ruleId).toBe('token-logging');
    expect(lib.ruleIndex).toBe(RULES.findIndex((r) => r.id === 'token-logging'));
    expect(lib.partialFingerprints).toEqual({ 'sessionscope/v1': '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f' });
    expect(lib.properties).toMatchObject({ confidence: 'medium', stage: 'static', library: 'OkHttp', severity: 'low' });
    const storage = results[0]!;
    expect(storage.properties).toMatchObject({
      evidence: 'auth_token = eyJh… (redacted, 212 chars, sha256 3f9a0c1e2b7d)',
      dynamicStatus: 'confirmed',
      target: 'app/build/outputs/apk/release/insecure-invoice.apk',
    });
    expect(storage.message.text).toBe(
      'SessionStore.saveToken() writes the login response\'s token to SharedPreferences "session" under the key "auth_token" without encryption. (in com.example.insecureinvoice.SessionStore.saveToken)',
    );
  });

  it('without a source root, points manifest and resource findings into the APK, code findings at the APK', () => {
    const run = buildSarif(report, { rules: RULES }).runs[0]!;
    const results = run.results!;
    expect(run.artifacts![0]).toEqual({
      location: { uri: 'app/build/outputs/apk/release/insecure-invoice.apk' },
      roles: ['analysisTarget'],
      mimeType: 'application/vnd.android.package-archive',
      length: 16930,
      hashes: { 'sha-256': 'a3f0a3a377e53f351c9dc03c82048e9211d104fdad7d58192afc6e50b64e42c7' },
      properties: { package: 'com.example.insecureinvoice' },
    });
    const debuggable = results.find((r) => r.ruleId === 'debuggable')!;
    expect(debuggable.locations![0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'AndroidManifest.xml', index: 1 }, region: { startLine: 27 } },
    });
    expect(run.artifacts![1]).toEqual({ location: { uri: 'AndroidManifest.xml' }, parentIndex: 0 });
    const nsc = results.find((r) => r.ruleId === 'cleartext-traffic')!;
    expect(nsc.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'res/xml/network_security_config.xml', index: 2 }, region: { startLine: 4 } });
    const code = results[0]!;
    expect(code.locations![0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'app/build/outputs/apk/release/insecure-invoice.apk', index: 0 } },
      logicalLocations: [{ name: 'saveToken', fullyQualifiedName: 'com.example.insecureinvoice.SessionStore.saveToken', kind: 'function' }],
    });
    expect(run.originalUriBaseIds).toBeUndefined();
  });

  it('with a source root, uses %SRCROOT%-relative source paths (code: best-effort Java file, no region)', () => {
    const run = buildSarif(report, { rules: RULES, sourceRoot: 'app/src/main' }).runs[0]!;
    const byRule = (id: string, n = 0) => run.results!.filter((r) => r.ruleId === id)[n]!.locations![0]!;
    expect(byRule('debuggable').physicalLocation).toEqual({
      artifactLocation: { uri: 'app/src/main/AndroidManifest.xml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 27 },
    });
    expect(byRule('nsc-trust').physicalLocation).toEqual({
      artifactLocation: { uri: 'app/src/main/res/xml/network_security_config.xml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 9 },
    });
    expect(byRule('hardcoded-secret').physicalLocation).toEqual({
      artifactLocation: { uri: 'app/src/main/assets/config.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3 },
    });
    expect(byRule('plaintext-session-storage')).toEqual({
      physicalLocation: { artifactLocation: { uri: 'app/src/main/java/com/example/insecureinvoice/SessionStore.java', uriBaseId: '%SRCROOT%' } },
      logicalLocations: [{ name: 'saveToken', fullyQualifiedName: 'com.example.insecureinvoice.SessionStore.saveToken', kind: 'function' }],
    });
    // An inner class lives in its outer class's file.
    expect(byRule('session-not-cleared').physicalLocation!.artifactLocation).toEqual({
      uri: 'app/src/main/java/com/example/insecureinvoice/InvoicesActivity.java',
      uriBaseId: '%SRCROOT%',
    });
    expect(run.originalUriBaseIds).toHaveProperty('%SRCROOT%');
    expect(run.artifacts![0]!.location).toEqual({ uri: 'app/build/outputs/apk/release/insecure-invoice.apk', uriBaseId: '%SRCROOT%' });
  });

  it('reports incomplete analysis as tool notifications; a finding with no location points at the APK', () => {
    const run = buildSarif(load('hostile-multi.json'), { rules: RULES }).runs[0]!;
    const inv = run.invocations![0]!;
    expect(inv.executionSuccessful).toBe(true);
    expect(inv.toolExecutionNotifications!.map((n) => [n.level, n.descriptor!.id, n.message.text])).toEqual([
      ['warning', 'analysis-incomplete', 'Analysis incomplete in /tmp/uploads/evil app.apk: classes2.dex: method_ids out of range at offset 0x70; skipped 1,204 methods'],
      ['note', 'suspicious-structure', "Suspicious structure in /tmp/uploads/evil app.apk: AndroidManifest.xml: string pool entry <script>document.title='pwned'</script> has trailing data"],
    ]);
    expect(inv.toolExecutionNotifications![0]!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'file:///tmp/uploads/evil%20app.apk', index: 0 });
    const testOnly = run.results!.find((r) => r.ruleId === 'test-only')!;
    expect(testOnly.locations![0]).toEqual({ physicalLocation: { artifactLocation: { uri: 'file:///tmp/uploads/evil%20app.apk', index: 0 } } });
    // A rule the registry did not describe still gets a descriptor, from its finding.
    const webview = run.tool.driver.rules!.find((r) => r.id === 'webview-session')!;
    expect(webview.shortDescription).toEqual({ text: 'WebView keeps cookies after logout' });
    expect(run.results!.find((r) => r.ruleId === 'webview-session')!.locations![0]!.logicalLocations).toEqual([
      { name: 'run', fullyQualifiedName: 'com.evil.Web$1.run', kind: 'function' },
    ]);
    expect((run.properties!.targets as { analysisComplete: boolean }[]).map((t) => t.analysisComplete)).toEqual([false, true]);
  });

  it('adds a notification when analysis is incomplete without a warning saying why', () => {
    const r = load('insecure-invoice.json');
    r.results[0]!.analysis.complete = false;
    const n = buildSarif(r, { rules: RULES }).runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(n).toHaveLength(1);
    expect(n[0]).toMatchObject({ level: 'warning', descriptor: { id: 'analysis-incomplete' } });
  });

  it('keeps attacker-controlled text as data: exact round trip, percent-encoded URIs, capped messages', () => {
    const hostile = load('hostile-multi.json');
    const f = hostile.results[0]!.findings[0]!;
    f.message = `${f.message} ${'A'.repeat(5000)}`;
    const text = renderSarif(hostile, { rules: RULES });
    const log = valid(text);
    const res = log.runs[0]!.results![0]!;
    expect(res.properties!.evidence).toBe(f.evidence);
    expect(res.message.text!.length).toBe(MAX_MESSAGE_CHARS);
    expect(res.message.text!.endsWith('…')).toBe(true);
    expect(res.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('res/xml/%3Cevil%3E.xml');
    // JSON escaping keeps control characters out of the raw file.
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)).toBe(false);
  });
});
