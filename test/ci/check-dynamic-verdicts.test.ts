/**
 * scripts/check-dynamic-verdicts.mjs, the check the project's dynamic workflow runs after the
 * action: exact output and exit code for matching and differing verdicts, and one line with exit 2
 * for every bad input. (Its run on real reports of the simulated device is in action-dynamic.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/apks.js';

const SCRIPT = path.join(ROOT, 'scripts/check-dynamic-verdicts.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-verdicts-'));

function reportFile(name: string, verdicts: Record<string, string>, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, name);
  const probes = Object.entries(verdicts).map(([n, verdict]) => ({ name: n, verdict, summary: `${n} said ${verdict}` }));
  const dynamic = { simulated: false, device: { udid: 'emulator-5554', platformVersion: '14' }, probes, ...extra };
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, results: [{ dynamic }] }));
  return file;
}

function check(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const INSECURE = { baseline: 'pass', login: 'fail', logout: 'fail', relaunch: 'fail', reinstall: 'fail' };

describe('check-dynamic-verdicts.mjs', () => {
  it('insecure report, expected insecure: every line ok, exit 0', () => {
    expect(check(reportFile('a.json', INSECURE), 'insecure')).toEqual({
      status: 0,
      stderr: '',
      stdout:
        'ok   insecure-invoice logout: fail - logout said fail\n' +
        'ok   insecure-invoice relaunch: fail - relaunch said fail\n' +
        'ok   insecure-invoice reinstall: fail - reinstall said fail\n' +
        'verdicts as expected on the device emulator-5554 (Android 14)\n',
    });
  });

  it('an inconclusive reinstall and a missing relaunch on the secure app: two FAIL lines, exit 1', () => {
    const r = check(reportFile('b.json', { logout: 'pass', reinstall: 'inconclusive' }, { stoppedAt: 'relaunch' }), 'secure');
    expect(r.stdout).toBe(
      'ok   secure-invoice logout: pass - logout said pass\n' +
        'FAIL secure-invoice relaunch: missing (expected pass)\n' +
        'FAIL secure-invoice reinstall: inconclusive (expected pass) - reinstall said inconclusive\n' +
        'note: the run stopped at relaunch\n' +
        '2 verdict(s) not as expected on the device emulator-5554 (Android 14)\n',
    );
    expect(r.status).toBe(1);
  });

  it('bad input: one line naming the file or argument, exit 2', () => {
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{');
    const noRun = path.join(dir, 'static.json');
    writeFileSync(noRun, JSON.stringify({ results: [{ findings: [] }] }));
    const cases: [string[], RegExp][] = [
      [[], /^check-dynamic-verdicts: usage: check-dynamic-verdicts\.mjs <report\.json> <insecure\|secure> \[--allow-simulated\]\n$/],
      [[notJson, 'insecure', 'extra'], /^check-dynamic-verdicts: usage: /],
      [[notJson, 'medium'], /^check-dynamic-verdicts: medium: unknown app, expected insecure or secure\n$/],
      [[path.join(dir, 'none.json'), 'secure'], /^check-dynamic-verdicts: .*none\.json: not found\n$/],
      [[notJson, 'secure'], /^check-dynamic-verdicts: .*not\.json: not JSON \(.*\)\n$/],
      [[noRun, 'secure'], /^check-dynamic-verdicts: .*static\.json: no dynamic run in results\[0\]\.dynamic \(not a report of sessionscope dynamic\)\n$/],
      [[reportFile('sim.json', INSECURE, { simulated: true }), 'insecure'], /^check-dynamic-verdicts: .*sim\.json: the report is from the SIMULATED device, not an emulator\n$/],
    ];
    for (const [args, err] of cases) {
      const r = check(...args);
      expect(r.stderr, args.join(' ')).toMatch(err);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.status, args.join(' ')).toBe(2);
    }
  });

  it('--allow-simulated accepts a simulated report and says so', () => {
    const r = check(reportFile('sim2.json', INSECURE, { simulated: true }), 'insecure', '--allow-simulated');
    expect(r.stdout.split('\n').at(-2)).toBe('verdicts as expected on the SIMULATED device emulator-5554 (Android 14)');
    expect(r.status).toBe(0);
  });
});
