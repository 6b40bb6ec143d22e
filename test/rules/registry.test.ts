/** The registry: every rule id from the design is there once, with complete meta, and the docs page is current. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../static-rules/index.js';
import { rulesMarkdown, stagedRules, withReadmeRules } from '../../src/rules/docs.js';
import { DYNAMIC_RULES } from '../../dynamic/findings.js';
import { ROOT } from '../helpers/apks.js';

const DESIGN_IDS = [
  'cleartext-traffic', 'nsc-trust', 'plaintext-session-storage', 'external-storage-session', 'world-readable-storage',
  'app-backup', 'debuggable', 'test-only', 'exported-session-component', 'webview-session', 'weak-token-randomness',
  'hardcoded-secret', 'token-logging', 'session-not-cleared', 'hybrid-app-storage',
];

describe('rule registry', () => {
  it('has every static rule id of the design exactly once', () => {
    expect([...RULES.map((r) => r.meta.id)].sort()).toEqual([...DESIGN_IDS].sort());
  });

  it('every rule has complete meta: MASVS, CWE, description and remediation', () => {
    for (const r of RULES) {
      expect(r.meta.title.length, r.meta.id).toBeGreaterThan(10);
      expect(r.meta.description.length, r.meta.id).toBeGreaterThan(60);
      expect(r.meta.remediation.length, r.meta.id).toBeGreaterThan(30);
      expect(r.meta.masvs.every((m) => /^MASVS-[A-Z]+-\d$/.test(m)), r.meta.id).toBe(true);
      expect(r.meta.cwe.length > 0 && r.meta.cwe.every((c) => /^CWE-\d+$/.test(c)), r.meta.id).toBe(true);
      expect(r.meta.mastg.every((m) => /^MAS(TG-TEST|WE)-\d{4}$/.test(m)), r.meta.id).toBe(true);
    }
  });

  it('docs/rules.md and the README table are generated from the meta (run `npm run docs` after changing a rule)', () => {
    const rules = stagedRules(RULES.map((r) => r.meta), [...DYNAMIC_RULES.values()]);
    expect(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')).toBe(rulesMarkdown(rules));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withReadmeRules(readme, rules)).toBe(readme);
    // Every rule either stage can raise is documented once, with the stages that raise it.
    expect(rules.map((r) => `${r.doc.id}:${r.stages.join('+')}`)).toEqual([
      ...RULES.map((r) => `${r.meta.id}:${DYNAMIC_RULES.has(r.meta.id) ? 'static+dynamic' : 'static'}`),
      'logout-leaves-session:dynamic', 'ghost-login:dynamic', 'back-navigation-after-logout:dynamic', 'token-not-rotated:dynamic',
      'reinstall-restores-session:dynamic', 'long-lived-token:dynamic', 'token-valid-after-logout:dynamic',
    ]);
  });
});
