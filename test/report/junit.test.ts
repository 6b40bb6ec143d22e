/** JUnit XML: well-formed (fast-xml-parser's validator), exact counts, thresholds, hostile text. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit, xmlAttr, xmlText } from '../../src/report/junit.js';
import type { RuleDoc } from '../../src/report/rule-docs.js';
import type { Report } from '../../src/report/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const load = (name: string): Report => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Report;
const RULES = JSON.parse(readFileSync(join(FIXTURES, 'rules.json'), 'utf8')) as RuleDoc[];

interface Case { '@_classname': string; '@_name': string; failure?: { '#text': string; '@_message': string; '@_type': string }; error?: { '#text': string; '@_message': string }; 'system-out'?: string }
interface Suite { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; testcase: Case[]; properties: { property: { '@_name': string; '@_value': string }[] } }

function parse(xml: string): { root: Record<string, string>; suites: Suite[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name), trimValues: false }).parse(xml);
  return { root: doc.testsuites, suites: doc.testsuites.testsuite };
}

describe('renderJunit', () => {
  it('has one suite per target and one testcase per rule that ran, plus analysis-complete', () => {
    const { root, suites } = parse(renderJunit(load('insecure-invoice.json'), { rules: RULES }));
    expect(root).toMatchObject({ '@_name': 'sessionscope 0.1.0', '@_tests': '12', '@_failures': '9', '@_errors': '0', '@_time': '0.014' });
    expect(suites).toHaveLength(1);
    const s = suites[0]!;
    expect(s['@_name']).toBe('com.example.insecureinvoice');
    expect(s.testcase.map((c) => c['@_name'])).toEqual([...RULES.map((r) => r.id), 'analysis-complete']);
    expect(s.testcase.every((c) => c['@_classname'] === 'com.example.insecureinvoice')).toBe(true);
    expect(s.testcase.filter((c) => c.failure).map((c) => c['@_name'])).toEqual([
      'cleartext-traffic',
      'nsc-trust',
      'plaintext-session-storage',
      'app-backup',
      'debuggable',
      'exported-session-component',
      'token-logging',
      'hardcoded-secret',
      'session-not-cleared',
    ]);
    const logging = s.testcase.find((c) => c['@_name'] === 'token-logging')!;
    expect(logging.failure!['@_message']).toBe('2 findings at or above low: Session token written to the log');
    expect(logging.failure!['@_type']).toBe('medium');
    expect(logging.failure!['#text']).toContain('[low] Session token written to the log (third-party library: OkHttp)\n  at okhttp3.logging.HttpLoggingInterceptor.intercept()');
    const storage = s.testcase.find((c) => c['@_name'] === 'plaintext-session-storage')!;
    expect(storage.failure!['#text']).toBe(
      '[high] Session token stored in plaintext\n  at com.example.insecureinvoice.SessionStore.saveToken()\n' +
        '  SessionStore.saveToken() writes the login response\'s token to SharedPreferences "session" under the key "auth_token" without encryption.\n' +
        '  evidence: auth_token = eyJh… (redacted, 212 chars, sha256 3f9a0c1e2b7d)\n  confidence high, fingerprint 4b1d2a8f0c9e7d6a5b4c3d2e1f0a9b8c',
    );
    expect(s.testcase.find((c) => c['@_name'] === 'weak-token-randomness')!.failure).toBeUndefined();
    expect(s.properties.property.find((p) => p['@_name'] === 'apk')!['@_value']).toBe('app/build/outputs/apk/release/insecure-invoice.apk');
  });

  it('counts only findings at or above the threshold as failures', () => {
    const report = load('insecure-invoice.json');
    expect(parse(renderJunit(report, { rules: RULES, threshold: 'high' })).root['@_failures']).toBe('5');
    expect(parse(renderJunit(report, { rules: RULES, threshold: 'medium' })).root['@_failures']).toBe('9');
    expect(parse(renderJunit(report, { rules: RULES, threshold: 'critical' })).root['@_failures']).toBe('0');
    expect(parse(renderJunit(report, { rules: RULES, threshold: 'info' })).root['@_failures']).toBe('9');
    // A below-threshold finding is still reported, as output of a passing testcase.
    const high = parse(renderJunit(report, { rules: RULES, threshold: 'high' })).suites[0]!;
    const backup = high.testcase.find((c) => c['@_name'] === 'app-backup')!;
    expect(backup.failure).toBeUndefined();
    expect(backup['system-out']).toContain('[medium] App data included in backups');
    const medium = parse(renderJunit(report, { rules: RULES, threshold: 'medium' })).suites[0]!.testcase.find((c) => c['@_name'] === 'token-logging')!;
    expect(medium.failure!['@_message']).toBe('1 finding at or above medium: Session token written to the log');
    expect(medium['system-out']).toContain('[low] Session token written to the log (third-party library: OkHttp)');
    // Without the rule list, only the rules with findings are known.
    expect(parse(renderJunit(report)).root['@_tests']).toBe('10');
  });

  it('errors the analysis-complete testcase when the APK was only partly read', () => {
    const { root, suites } = parse(renderJunit(load('hostile-multi.json'), { rules: RULES }));
    expect(root).toMatchObject({ '@_tests': '26', '@_failures': '2', '@_errors': '1' });
    expect(suites.map((s) => [s['@_tests'], s['@_failures'], s['@_errors']])).toEqual([
      ['13', '2', '1'],
      ['13', '0', '0'],
    ]);
    const analysis = suites[0]!.testcase.find((c) => c['@_name'] === 'analysis-complete')!;
    expect(analysis.error!['@_message']).toBe('Analysis incomplete: findings may be missing');
    expect(analysis.error!['#text']).toBe('classes2.dex: method_ids out of range at offset 0x70; skipped 1,204 methods');
    const info = suites[0]!.testcase.find((c) => c['@_name'] === 'webview-session')!;
    expect(info.failure).toBeUndefined();
    expect(info['system-out']).toContain('[info] WebView keeps cookies after logout');
  });

  it('escapes attacker-controlled text and replaces characters XML 1.0 forbids', () => {
    const report = load('hostile-multi.json');
    report.results[0]!.findings[0]!.message += ' lone \uD800 surrogate, \uFFFE, "quotes" & \'apostrophes\'';
    const xml = renderJunit(report, { rules: RULES });
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('<testsuite name="com.evil&lt;script&gt;document.title=&apos;pwned&apos;&lt;/script&gt;"');
    const { suites } = parse(xml);
    const secret = suites[0]!.testcase.find((c) => c['@_name'] === 'hardcoded-secret')!;
    expect(secret['@_classname']).toBe("com.evil<script>document.title='pwned'</script>");
    expect(secret.failure!['@_type']).toBe('critical');
    expect(secret.failure!['#text']).toContain("evidence: </pre><script>document.title='pwned'</script> \\u0000\\u0001\\u001b[31m ]]> & \"quoted\" | pipe");
    expect(secret.failure!['#text']).toContain('lone \\ud800 surrogate, \\ufffe, "quotes" & \'apostrophes\'');
    // A message with a newline keeps it in the attribute.
    expect(secret.failure!['@_message']).toContain('# Hard-coded <script>');
    expect(xmlAttr('a\nb\t"c"')).toBe('a&#10;b&#9;&quot;c&quot;');
    expect(xmlText('x]]>y\u0007')).toBe('x]]&gt;y\\u0007');
  });
});
