import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dynamicFinding, DYNAMIC_RULES } from '../../dynamic/findings.js';
import { buildReport, dynamicStatusFor, newRun, ReportWriter } from '../../dynamic/report.js';
import type { Finding, TargetResult } from '../../src/report/types.js';
import { scanFile } from '../../src/scan.js';

const stat = (ruleId: string): Finding => ({ ruleId, stage: 'static', severity: 'high', confidence: 'high', title: ruleId, message: 'm', location: {}, fingerprint: ruleId, masvs: [], mastg: [], cwe: [] });

describe('static findings marked by the dynamic run', () => {
  const probes = [
    { name: 'login', verdict: 'fail' as const },
    { name: 'logout', verdict: 'pass' as const },
    { name: 'reinstall', verdict: 'inconclusive' as const },
  ];
  const dyn = [dynamicFinding('plaintext-session-storage', { message: 'm', location: { file: '/data/data/x/shared_prefs/session.xml', element: 'auth_token' }, fingerprint: ['x'] })];

  it('confirmed when the probe found it, refuted when the probe read the evidence and did not, else not-tested', () => {
    expect(dynamicStatusFor(stat('plaintext-session-storage'), probes, dyn)).toBe('confirmed');
    expect(dynamicStatusFor(stat('world-readable-storage'), probes, dyn)).toBe('refuted');
    expect(dynamicStatusFor(stat('session-not-cleared'), probes, dyn)).toBe('refuted');
    expect(dynamicStatusFor(stat('app-backup'), probes, dyn)).toBe('not-tested');
    expect(dynamicStatusFor(stat('cleartext-traffic'), probes, dyn)).toBe('not-tested');
    expect(dynamicStatusFor(stat('exported-session-component'), [], dyn)).toBe('not-tested');
  });

  it('one report: static findings with dynamicStatus, dynamic findings added, results[0].dynamic', () => {
    const target = { target: { path: 'a.apk', sha256: 's', sizeBytes: 1 }, findings: [stat('plaintext-session-storage')], dynamic: null, warnings: [] } as unknown as TargetResult;
    const run = newRun(true, 'SimAndroid');
    run.probes = [{ name: 'login', title: 't', verdict: 'fail', summary: 's', evidence: [], steps: [], durationMs: 1 }];
    const r = buildReport(target, run, dyn);
    expect(r.results[0]!.findings.map((f) => [f.stage, f.ruleId, (f as { dynamicStatus?: string }).dynamicStatus])).toEqual([
      ['static', 'plaintext-session-storage', 'confirmed'],
      ['dynamic', 'plaintext-session-storage', undefined],
    ]);
    expect((r.results[0]!.dynamic as { simulated: boolean }).simulated).toBe(true);
  });

  it('every dynamic rule has a description and remediation; fingerprints hold no values', () => {
    for (const m of DYNAMIC_RULES.values()) { expect(m.description.length, m.id).toBeGreaterThan(40); expect(m.remediation.length, m.id).toBeGreaterThan(20); }
    const a = dynamicFinding('ghost-login', { message: 'x', location: {}, fingerprint: ['com.x'] });
    const b = dynamicFinding('ghost-login', { message: 'y', location: {}, fingerprint: ['com.x'] });
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('ReportWriter', () => {
  it('keeps what is not a sessionscope report unless --force, and rewrites its own files', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sessionscope-rw-'));
    writeFileSync(path.join(out, 'report.json'), '{"mine": true}');
    const { result } = await scanFile(path.resolve(__dirname, '../fixtures/apks/secure-invoice.apk'));
    const report = buildReport(result, newRun(false, 'UiAutomator2'), []);
    await expect(new ReportWriter(out, 'json', false).write(report)).rejects.toThrow(/not a sessionscope report; not overwritten \(use --force\)/);
    const w = new ReportWriter(out, 'markdown', true);
    await w.write(report);
    await w.write(report);
    expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).schemaVersion).toBe(1);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('sessionscope');
    // A later run over its own earlier report needs no --force.
    await new ReportWriter(out, 'json', false).write(report);
  });
});
