/** The CLI as a user runs it: a fresh process of bin/sessionscope.js (built by `npm test` first). */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, fixtureApk } from './helpers/apks.js';

const BIN = join(ROOT, 'bin/sessionscope.js');

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sessionscope CLI', () => {
  it('--help lists the scan command with examples; no arguments prints help and exits 2', () => {
    const help = run(['scan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('sessionscope scan app.apk --format json --output report.json');
    const none = run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: sessionscope');
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(run(['--version']).stdout.trim()).toBe(pkg.version);
  });

  it('scan --format json prints the schemaVersion 1 report with the app facts', () => {
    const r = run(['scan', fixtureApk('obfuscated-nsc'), '--format', 'json', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool.name).toBe('sessionscope');
    const res = report.results[0];
    expect(res.target).toEqual({
      path: fixtureApk('obfuscated-nsc'),
      sha256: 'a11bc9793dc7c3327ea10447642a24b7686a8e7b959b408c1acb3276637f0b8e',
      sizeBytes: readFileSync(fixtureApk('obfuscated-nsc')).length,
    });
    expect(res.app).toMatchObject({
      package: 'com.example.obfnsc', versionName: '1.0', versionCode: 1, minSdk: 24, targetSdk: 28,
      debuggable: false, testOnly: false, cleartextPermitted: true, networkSecurityConfig: 'res/4u.xml',
      cleartextDomains: [
        { domain: 'secure.example.com', includeSubdomains: true, permitted: false },
        { domain: 'legacy.secure.example.com', includeSubdomains: false, permitted: true },
      ],
      exportedComponents: [{ kind: 'activity', name: 'com.example.obfnsc.MainActivity', permission: null, how: 'explicit' }],
    });
    expect(res.analysis).toMatchObject({ complete: true, container: 'apk', dexFiles: ['classes.dex'] });
    expect(res.dynamic).toBe(null);
    expect(res.warnings).toEqual([]);
  });

  it('several APKs give one report with a result each', () => {
    const r = run(['scan', fixtureApk('insecure-invoice'), fixtureApk('secure-invoice'), '--format', 'json', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { app: { package: string } }) => x.app.package)).toEqual(['com.example.insecureinvoice', 'com.example.secureinvoice']);
  });

  it('bad input: one line naming the file and the problem, exit 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-cli-'));
    const notApk = join(dir, 'notes.apk');
    writeFileSync(notApk, 'hello, this is not a zip archive at all');
    const truncated = join(dir, 'cut.apk');
    writeFileSync(truncated, readFileSync(fixtureApk('insecure-invoice')).subarray(0, 4000));
    const cases: [string[], string][] = [
      [['scan', notApk], `sessionscope: ${notApk}: end of central directory: not found: not a ZIP archive, or truncated\n`],
      [['scan', truncated], `sessionscope: ${truncated}: end of central directory: not found: not a ZIP archive, or truncated\n`],
      [['scan', join(dir, 'missing.apk')], `sessionscope: ${join(dir, 'missing.apk')}: no such file\n`],
      [['scan', dir], `sessionscope: ${dir}: is a directory, not an APK\n`],
    ];
    for (const [args, stderr] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(stderr);
      expect(r.stdout).toBe('');
    }
    const badOpt = run(['scan', fixtureApk('insecure-invoice'), '--format', 'yaml']);
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr.trim().split('\n')).toHaveLength(1);
    expect(badOpt.stderr).toContain("option '-f, --format <format>' argument 'yaml' is invalid");
  });

  it('--output never replaces a file that is not a sessionscope report unless --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-out-'));
    const precious = join(dir, 'notes.txt');
    writeFileSync(precious, 'my notes');
    const r = run(['scan', fixtureApk('insecure-invoice'), '--format', 'json', '--output', precious]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sessionscope: ${precious}: exists and is not a sessionscope report; not overwritten (use --force)\n`);
    expect(readFileSync(precious, 'utf8')).toBe('my notes');
    const report = join(dir, 'report.json');
    expect(run(['scan', fixtureApk('insecure-invoice'), '--format', 'json', '--output', report, '--fail-on', 'never']).code).toBe(0);
    // A report of ours may be replaced by the next run.
    expect(run(['scan', fixtureApk('secure-invoice'), '--format', 'json', '--output', report, '--fail-on', 'never']).code).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8')).results[0].app.package).toBe('com.example.secureinvoice');
    expect(run(['scan', fixtureApk('secure-invoice'), '--output', precious, '--force', '--fail-on', 'never']).code).toBe(0);
    expect(readFileSync(precious, 'utf8')).toMatch(/^sessionscope 0\.1\.0 report: 1 target/);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'report.json']);
  });

  it('a bad APK among good ones writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-bad-'));
    const bad = join(dir, 'bad.apk');
    writeFileSync(bad, 'nope nope nope nope nope nope');
    const out = join(dir, 'r.json');
    const r = run(['scan', fixtureApk('insecure-invoice'), bad, '--format', 'json', '--output', out]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
