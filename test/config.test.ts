import { describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../src/config.js';
import { parseBaseline, makeBaseline, applyBaseline } from '../src/baseline.js';
import type { TargetResult } from '../src/report/types.js';

const RULE_IDS = ['cleartext-traffic', 'token-logging', 'debuggable'];
const err = (text: string): string => {
  try {
    parseConfig(text, 'sessionscope.yml', RULE_IDS);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('config file', () => {
  it('reads rules on/off, severity overrides, token patterns, ignored libraries and failOn', () => {
    const cfg = parseConfig(
      `rules:
  token-logging: off
  debuggable: on
  cleartext-traffic: { severity: medium }
tokenKeyPatterns: ['^x-sess', 'customAuth']
ignoredLibraries: [com.acme.sdk]
failOn: medium
`,
      'sessionscope.yml',
      RULE_IDS,
    );
    expect(cfg).toEqual({
      rules: { 'token-logging': { enabled: false }, debuggable: { enabled: true }, 'cleartext-traffic': { enabled: true, severity: 'medium' } },
      tokenKeyPatterns: ['^x-sess', 'customAuth'],
      ignoredLibraries: ['com.acme.sdk'],
      failOn: 'medium',
    });
  });

  it('JSON is YAML too; an empty file is the default', () => {
    expect(parseConfig('{"rules": {"debuggable": "off"}}', 'c.json', RULE_IDS).rules).toEqual({ debuggable: { enabled: false } });
    expect(parseConfig('', 'c.yml', RULE_IDS)).toEqual({ rules: {}, tokenKeyPatterns: [], ignoredLibraries: [] });
  });

  it('every mistake is named with its file and line', () => {
    expect(err('rules:\n  no-such-rule: off\n')).toBe('sessionscope.yml:2: unknown rule "no-such-rule" (known: cleartext-traffic, token-logging, debuggable)');
    expect(err('rules:\n  debuggable: { severity: urgent }\n')).toBe('sessionscope.yml:2: rules.debuggable.severity must be one of critical, high, medium, low, info');
    expect(err('rules:\n  debuggable: maybe\n')).toBe('sessionscope.yml:2: rules.debuggable must be on, off or { severity: ... }');
    expect(err('failOn: sometimes\n')).toBe('sessionscope.yml:1: failOn must be one of critical, high, medium, low, info, never');
    expect(err('\n\ntokenKeyPatterns: ["(unclosed"]\n')).toMatch(/^sessionscope\.yml:3: tokenKeyPatterns: "\(unclosed" is not a valid regular expression/);
    expect(err('tokenKeyPatterns: token\n')).toBe('sessionscope.yml:1: tokenKeyPatterns must be a list of strings');
    expect(err('colour: blue\n')).toBe('sessionscope.yml:1: unknown setting "colour" (rules, tokenKeyPatterns, ignoredLibraries, failOn)');
    expect(err('- a\n- b\n')).toBe('sessionscope.yml:1: the configuration must be a mapping (rules, tokenKeyPatterns, ignoredLibraries, failOn)');
    expect(err('rules: {debuggable: off\n')).toMatch(/^sessionscope\.yml:\d+: /);
    expect(err('failOn: high\nfailOn: low\n')).toMatch(/^sessionscope\.yml:2: /);
  });
});

describe('baseline', () => {
  const result = (fps: string[]): TargetResult =>
    ({
      app: { package: 'com.example' },
      findings: fps.map((fp) => ({ fingerprint: fp, ruleId: 'debuggable', title: 't', location: { file: 'AndroidManifest.xml', line: 3, element: 'application' } })),
    }) as unknown as TargetResult;

  it('round-trips fingerprints and suppresses only known findings', () => {
    const b = makeBaseline([result(['a', 'b'])]);
    expect(b.entries).toEqual([
      { fingerprint: 'a', ruleId: 'debuggable', package: 'com.example', title: 't', where: 'AndroidManifest.xml:3 <application>' },
      { fingerprint: 'b', ruleId: 'debuggable', package: 'com.example', title: 't', where: 'AndroidManifest.xml:3 <application>' },
    ]);
    const known = parseBaseline(JSON.stringify(b), 'base.json');
    const later = result(['a', 'c']);
    expect(applyBaseline(later, known)).toBe(1);
    expect(later.findings.map((f) => f.fingerprint)).toEqual(['c']);
  });

  it('refuses files that are not baselines', () => {
    expect(() => parseBaseline('{"schemaVersion":1}', 'x.json')).toThrow('x.json: not a sessionscope baseline (write one with --write-baseline)');
    expect(() => parseBaseline('nope', 'x.json')).toThrow(/^x\.json: not JSON/);
  });
});
