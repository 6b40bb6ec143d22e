/** `sessionscope scan` with rules: exit codes, formats, secrets, config and baseline, as a user runs it. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { ROOT, fixtureApk } from './helpers/apks.js';

const BIN = join(ROOT, 'bin/sessionscope.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const json = (args: string[]) => JSON.parse(run([...args, '--format', 'json']).stdout);
const INSECURE = fixtureApk('insecure-invoice');
const SECURE = fixtureApk('secure-invoice');

describe('sessionscope scan with the rules', () => {
  it('exit code follows --fail-on: 1 for the insecure app at high, 0 for the fixed twin', () => {
    expect(run(['scan', INSECURE]).code).toBe(1);
    expect(run(['scan', INSECURE, '--fail-on', 'critical']).code).toBe(0);
    expect(run(['scan', INSECURE, '--fail-on', 'never']).code).toBe(0);
    const secure = run(['scan', SECURE, '--fail-on', 'info']);
    expect(secure.code).toBe(0);
    expect(secure.stdout).toContain('no findings');
  });

  it('finds the insecure app\'s flaws, one rule each, with stable fingerprints across runs', () => {
    const a = json(['scan', INSECURE, '--fail-on', 'never']).results[0];
    const ids = [...new Set(a.findings.map((f: { ruleId: string }) => f.ruleId))].sort();
    expect(ids).toEqual([
      'app-backup', 'cleartext-traffic', 'debuggable', 'exported-session-component', 'hardcoded-secret', 'nsc-trust',
      'plaintext-session-storage', 'session-not-cleared', 'token-logging', 'weak-token-randomness',
    ]);
    const b = json(['scan', INSECURE, '--fail-on', 'never']).results[0];
    expect(b.findings.map((f: { fingerprint: string }) => f.fingerprint)).toEqual(a.findings.map((f: { fingerprint: string }) => f.fingerprint));
    expect(json(['scan', SECURE, '--fail-on', 'never']).results[0].findings).toEqual([]);
  });

  it('redacts secrets by default and shows them only with --show-secrets', () => {
    const redacted = run(['scan', INSECURE, '--format', 'json', '--fail-on', 'never']).stdout;
    expect(redacted).not.toContain('sk_live_FAKEFIXTUREnotARealKey00');
    expect(redacted).toMatch(/sk_l… \(redacted, 32 chars, sha256 [0-9a-f]{12}\)/);
    for (const fmt of ['text', 'sarif', 'html', 'markdown', 'junit']) {
      expect(run(['scan', INSECURE, '--format', fmt, '--fail-on', 'never']).stdout, fmt).not.toContain('sk_live_FAKEFIXTUREnotARealKey00');
    }
    expect(run(['scan', INSECURE, '--format', 'json', '--fail-on', 'never', '--show-secrets']).stdout).toContain('sk_live_FAKEFIXTUREnotARealKey00');
  });

  it('renders every format from the same result', () => {
    const sarif = JSON.parse(run(['scan', INSECURE, '--format', 'sarif', '--fail-on', 'never', '--source-root', 'app/src/main']).stdout);
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results;
    expect(results.length).toBe(json(['scan', INSECURE, '--fail-on', 'never']).results[0].findings.length);
    const debuggable = results.find((r: { ruleId: string }) => r.ruleId === 'debuggable');
    expect(debuggable.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'app/src/main/AndroidManifest.xml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 21 },
    });
    const html = run(['scan', INSECURE, '--format', 'html', '--fail-on', 'never']).stdout;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('com.example.insecureinvoice');
    const md = run(['scan', INSECURE, '--format', 'markdown', '--fail-on', 'never']).stdout;
    expect(md).toContain('com.example.insecureinvoice');
    const junit = run(['scan', INSECURE, '--format', 'junit', '--fail-on', 'never']).stdout;
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toContain('name="plaintext-session-storage"');
  });

  it('a config file switches rules off, overrides severities and sets failOn', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-cfg-'));
    const cfg = join(dir, 'sessionscope.yml');
    writeFileSync(cfg, 'rules:\n  hardcoded-secret: off\n  debuggable: { severity: low }\nfailOn: critical\n');
    const r = json(['scan', INSECURE, '--config', cfg]).results[0];
    expect(r.findings.some((f: { ruleId: string }) => f.ruleId === 'hardcoded-secret')).toBe(false);
    expect(r.findings.find((f: { ruleId: string }) => f.ruleId === 'debuggable').severity).toBe('low');
    expect(run(['scan', INSECURE, '--config', cfg]).code).toBe(0);
    writeFileSync(cfg, 'rules:\n  no-such: off\n');
    const bad = run(['scan', INSECURE, '--config', cfg]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`sessionscope: ${cfg}:2: unknown rule "no-such" (known: ${JSON.parse(run(['scan', INSECURE, '--format', 'sarif', '--fail-on', 'never']).stdout).runs[0].tool.driver.rules.map((x: { id: string }) => x.id).join(', ')})\n`);
  });

  it('a baseline makes the gate pass until a new finding appears', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-base-'));
    const base = join(dir, 'baseline.json');
    expect(run(['scan', INSECURE, '--write-baseline', base, '--fail-on', 'never', '--format', 'json']).code).toBe(0);
    const written = JSON.parse(readFileSync(base, 'utf8'));
    expect(written.kind).toBe('sessionscope-baseline');
    const after = run(['scan', INSECURE, '--baseline', base, '--format', 'json']);
    expect(after.code).toBe(0);
    const res = JSON.parse(after.stdout).results[0];
    expect(res.findings).toEqual([]);
    expect(res.analysis.baselineSuppressed).toBe(written.entries.length);
    // The multidex app's findings are new against this baseline.
    expect(run(['scan', fixtureApk('multidex-app'), '--baseline', base]).code).toBe(1);
    writeFileSync(join(dir, 'bad.json'), '{"hello": 1}');
    expect(run(['scan', INSECURE, '--baseline', join(dir, 'bad.json')]).stderr).toBe(`sessionscope: ${join(dir, 'bad.json')}: not a sessionscope baseline (write one with --write-baseline)\n`);
  });

  it('several APKs scan in parallel and keep the input order', () => {
    const apks = ['insecure-invoice', 'secure-invoice', 'multidex-app', 'obfuscated-nsc'].map(fixtureApk);
    const r = json(['scan', ...apks, '--fail-on', 'never']);
    expect(r.results.map((x: { target: { path: string } }) => x.target.path)).toEqual(apks);
  });
});
