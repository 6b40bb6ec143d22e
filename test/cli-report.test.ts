/** `sessionscope report`: a saved report.json renders exactly like the report it was saved from. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, fixtureApk, NPM_APKS } from './helpers/apks.js';
import { scanFile } from '../src/scan.js';
import { render, FORMATS } from '../src/report/render.js';
import { checkReport, loadReport } from '../src/report/load.js';
import type { Report } from '../src/report/types.js';
import { allRuleDocs } from '../dynamic/findings.js';

const BIN = join(ROOT, 'bin/sessionscope.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

async function savedReport(apk: string): Promise<{ report: Report; file: string }> {
  const { result } = await scanFile(apk);
  const report: Report = { schemaVersion: 1, tool: { name: 'sessionscope', version: '0.0.0-test' }, generatedAt: '2026-11-22T00:00:00.000Z', results: [result] };
  const file = join(mkdtempSync(join(tmpdir(), 'ss-report-')), 'report.json');
  writeFileSync(file, render(report, 'json', { color: false, rules: allRuleDocs() }));
  return { report, file };
}

describe('sessionscope report', () => {
  it('renders a saved report byte for byte like the original, in every format', async () => {
    for (const apk of [fixtureApk('insecure-invoice'), NPM_APKS.apidemos]) {
      const { report, file } = await savedReport(apk);
      const loaded = await loadReport(file);
      for (const format of FORMATS) {
        const opts = { color: false, rules: allRuleDocs(), sarifCategory: 'cat-1', sourceRoot: 'app/src/main' };
        expect(render(loaded, format, opts), `${apk} ${format}`).toBe(render(report, format, opts));
      }
    }
  });

  it('CLI: writes the chosen format, gates with --fail-on, keeps a foreign file', async () => {
    const { file } = await savedReport(fixtureApk('insecure-invoice'));
    const dir = mkdtempSync(join(tmpdir(), 'ss-report-out-'));
    const sarifPath = join(dir, 'r.sarif');
    expect(run(['report', file, '--format', 'sarif', '--sarif-category', 'static/insecure', '--output', sarifPath]).code).toBe(0);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    expect(sarif.runs[0].automationDetails.id).toBe('static/insecure/');
    expect(new Set(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).has('plaintext-session-storage')).toBe(true);
    expect(run(['report', file, '--fail-on', 'high']).code).toBe(1);
    expect(run(['report', file, '--fail-on', 'critical']).code).toBe(0);
    const mine = join(dir, 'notes.txt');
    writeFileSync(mine, 'my notes\n');
    const refused = run(['report', file, '--format', 'html', '--output', mine]);
    expect(refused.code).toBe(2);
    expect(readFileSync(mine, 'utf8')).toBe('my notes\n');
  });

  it('replaces its own earlier output in every format without --force (a re-run in a reused CI workspace)', async () => {
    const { file } = await savedReport(fixtureApk('insecure-invoice'));
    const dir = mkdtempSync(join(tmpdir(), 'ss-report-rerun-'));
    for (const format of FORMATS) {
      const out = join(dir, `r.${format}`);
      expect(run(['scan', fixtureApk('secure-invoice'), '--format', format, '--output', out]).code, format).toBe(0);
      const again = run(['report', file, '--format', format, '--output', out]);
      expect(again.stderr, format).toBe('');
      expect(readFileSync(out, 'utf8'), format).toContain('com.example.insecureinvoice');
      // A file that merely mentions sessionscope is still the user's.
      writeFileSync(out, `notes about sessionscope and ${format}\n`);
      expect(run(['report', file, '--format', format, '--output', out]).code, format).toBe(2);
    }
  });

  it('a reader that stops early is not an error (no EPIPE stack trace)', () => {
    const r = spawnSync('bash', ['-c', `node "${BIN}" scan "${NPM_APKS.apidemos}" --format json --fail-on never | head -c 10 >/dev/null; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('exit 0');
    expect(r.stderr).toBe('');
  });

  it('bad files: one line naming the file and the field, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-report-bad-'));
    const cases: [string, string, string][] = [
      ['missing.json', '', 'missing.json: no such file'],
      ['text.json', 'not json at all', 'text.json: not JSON ('],
      ['other.json', '{"tool":{"name":"mobsf"},"schemaVersion":1,"results":[]}', 'other.json: tool.name: not a sessionscope report'],
      ['schema.json', '{"tool":{"name":"sessionscope"},"schemaVersion":7,"results":[]}', 'schema.json: schemaVersion: unsupported report schema 7'],
      ['finding.json', '{"tool":{"name":"sessionscope"},"schemaVersion":1,"results":[{"target":{"path":"a.apk"},"app":{"package":"p"},"analysis":{},"warnings":[],"findings":[{"ruleId":"r","title":"t","message":"m","fingerprint":"f","severity":"high","stage":"static","location":{},"masvs":[],"mastg":[],"cwe":[3]}]}]}', 'finding.json: results[0].findings[0].cwe[0]: expected a string, found number 3'],
    ];
    for (const [name, content, line] of cases) {
      const path = join(dir, name);
      if (content) writeFileSync(path, content);
      const r = run(['report', path]);
      expect(r.code, name).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toContain(`sessionscope: ${path.slice(0, -name.length)}${line}`);
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
    }
  });

  it('checkReport accepts exactly what the scan writes', async () => {
    const { file } = await savedReport(fixtureApk('secure-invoice'));
    const data = JSON.parse(readFileSync(file, 'utf8'));
    expect(checkReport(data, 'x').results[0]!.app.package).toBe('com.example.secureinvoice');
    delete data.results[0].analysis;
    expect(() => checkReport(data, 'x.json')).toThrow('x.json: results[0].analysis: expected an object, found undefined');
  });
});
