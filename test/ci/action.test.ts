/**
 * The composite action run here step by step (test/ci/action-harness.ts): its inputs reach the
 * CLI and the `with:` of the actions it calls, the reports land where the uploads look for them,
 * the job summary gets the Markdown report, and the gate fails or passes after every upload.
 * Static path only; the dynamic path against the simulated device is test/ci/action-dynamic.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/apks.js';
import { evaluate, parseOutputFile, runAction, shouldRun, stepOf, type ActionRun, type Context } from './action-harness.js';
import { ACTION, removeWorkspaces, staticUses, standIn, workspace } from './action-steps.js';

const APK = (app: string): string => `test/fixtures/apks/${app}-invoice.apk`;

function run(inputs: Record<string, string>, ws = workspace([APK('insecure'), APK('secure')])): { r: ActionRun; ws: string } {
  const r = runAction({ actionFile: ACTION, inputs, actionPath: ROOT, workspace: ws, env: { ...process.env }, uses: staticUses, standIn });
  return { r, ws };
}

afterAll(removeWorkspaces);

describe('the harness evaluates only what the action uses, as GitHub does', () => {
  const ctx: Context = { inputs: { dynamic: 'true', x: '' }, github: { action_path: '/a' }, steps: { s: { outputs: { code: '2' }, outcome: 'success' } }, ok: true };

  it('compares strings case-insensitively, reads steps outputs, and adds success() to conditions without a status function', () => {
    expect(evaluate("inputs.dynamic == 'TRUE'", ctx)).toBe(true);
    expect(evaluate("steps.s.outputs.code != '2'", ctx)).toBe(false);
    expect(evaluate("steps.none.outputs.code == ''", ctx)).toBe(true);
    expect(evaluate('github.action_path', ctx)).toBe('/a');
    expect(shouldRun({ if: "inputs.dynamic == 'true'" }, { ...ctx, ok: false })).toBe(false);
    expect(shouldRun({ if: "always() && inputs.dynamic == 'true'" }, { ...ctx, ok: false })).toBe(true);
    expect(shouldRun({}, { ...ctx, ok: false })).toBe(false);
  });

  it('refuses what it does not implement instead of guessing', () => {
    expect(() => evaluate("format('{0}', inputs.x)", ctx)).toThrow(/not supported/);
    expect(() => evaluate('github.workspace', ctx)).toThrow(/not supported/);
    expect(() => evaluate('inputs.nope', ctx)).toThrow(/undeclared input/);
    expect(() => runAction({ actionFile: ACTION, inputs: { apk: 'a', bogus: '1' }, actionPath: ROOT, workspace: tmpdir(), env: {}, uses: () => 0 })).toThrow('unknown input bogus');
    expect(() => runAction({ actionFile: ACTION, inputs: {}, actionPath: ROOT, workspace: tmpdir(), env: {}, uses: () => 0 })).toThrow('input apk is required');
  });

  it('reads both GITHUB_OUTPUT forms', () => {
    expect(parseOutputFile('a=1\nb<<EOF\nx=y\nz\nEOF\nc=\n')).toEqual({ a: '1', b: 'x=y\nz', c: '' });
  });
});

describe('static only (dynamic: false)', () => {
  it('insecure-invoice, fail-on medium, category my-cat: reports written, SARIF uploaded under my-cat, summary written, gate fails after the uploads', () => {
    const { r, ws } = run({ apk: APK('insecure'), 'fail-on': 'medium', 'sarif-category': 'my-cat', dynamic: 'false' });
    const out = path.join(ws, 'sessionscope-report');
    expect(stepOf(r, 'static').exitCode).toBe(0);
    expect(r.ctx.steps.static!.outputs).toEqual({ 'exit-code': '1' });
    for (const f of ['report.json', 'report.sarif', 'report.html', 'report.md']) expect(existsSync(path.join(out, 'static', f)), f).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'static/report.json'), 'utf8')).results[0].app.package).toBe('com.example.insecureinvoice');
    const sarif = JSON.parse(readFileSync(path.join(out, 'static/report.sarif'), 'utf8'));
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails.id).toContain('my-cat');
    expect(sarif.runs[0].results.length).toBeGreaterThan(5);
    // no emulator on this path
    for (const id of ['kvm', 'emulator']) expect(stepOf(r, id).ran, id).toBe(false);
    expect(stepOf(r, 'actions/setup-java').ran).toBe(false);
    expect(stepOf(r, 'status').stdout).toBe('static: 1, dynamic: 0 (dynamic stage on: false), result: 1\n');
    expect(stepOf(r, 'github/codeql-action/upload-sarif').with).toEqual({ sarif_file: 'sessionscope-report/static/report.sarif', category: 'my-cat' });
    expect(stepOf(r, 'actions/upload-artifact').with).toEqual({ name: 'sessionscope-report', path: 'sessionscope-report', 'if-no-files-found': 'warn' });
    const md = readFileSync(path.join(out, 'static/report.md'), 'utf8');
    expect(md.length).toBeGreaterThan(200);
    expect(r.summary).toBe(md);
    const gate = stepOf(r, 'Gate on fail-on');
    expect(gate.exitCode).toBe(1);
    expect(gate.stdout).toBe('::error title=sessionscope::findings at or above medium (see the job summary and the report artifact)\n');
    // the gate is the last step: every upload ran before it
    expect(r.steps.at(-1)).toBe(gate);
    expect(r.ok).toBe(false);
    expect(r.outputs).toEqual({ sarif: 'sessionscope-report/static/report.sarif', 'report-dir': 'sessionscope-report', 'exit-code': '1' });
  });

  it('secure-invoice, fail-on high: gate passes; upload-sarif false skips the upload; output-dir and artifact-name are used', () => {
    const { r, ws } = run({ apk: APK('secure'), 'fail-on': 'high', dynamic: 'false', 'upload-sarif': 'false', 'output-dir': 'out/ss', 'artifact-name': 'ss-static' });
    expect(r.ctx.steps.static!.outputs).toEqual({ 'exit-code': '0' });
    expect(existsSync(path.join(ws, 'out/ss/static/report.sarif'))).toBe(true);
    // the default category reached the SARIF
    expect(JSON.parse(readFileSync(path.join(ws, 'out/ss/static/report.sarif'), 'utf8')).runs[0].automationDetails.id).toContain('sessionscope');
    expect(stepOf(r, 'github/codeql-action/upload-sarif').ran).toBe(false);
    expect(stepOf(r, 'actions/upload-artifact').with).toEqual({ name: 'ss-static', path: 'out/ss', 'if-no-files-found': 'warn' });
    expect(r.summary).toBe(readFileSync(path.join(ws, 'out/ss/static/report.md'), 'utf8'));
    expect(stepOf(r, 'Gate on fail-on').stdout).toBe('sessionscope: passed (fail-on: high)\n');
    expect(stepOf(r, 'Gate on fail-on').exitCode).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.outputs['exit-code']).toBe('0');
  });

  it('fail-on reaches the scan: the same insecure APK passes the gate with fail-on never', () => {
    const { r } = run({ apk: APK('insecure'), 'fail-on': 'never', dynamic: 'false' });
    expect(r.ctx.steps.static!.outputs).toEqual({ 'exit-code': '0' });
    expect(stepOf(r, 'Gate on fail-on').stdout).toBe('sessionscope: passed (fail-on: never)\n');
    expect(r.ok).toBe(true);
  });

  it('source-root reaches the SARIF: results point into the source tree', () => {
    const { r, ws } = run({ apk: APK('insecure'), dynamic: 'false', 'source-root': 'app/src/main' });
    expect(r.ctx.steps.static!.outputs['exit-code']).toBe('1');
    const sarif = JSON.parse(readFileSync(path.join(ws, 'sessionscope-report/static/report.sarif'), 'utf8'));
    expect(Object.keys(sarif.runs[0].originalUriBaseIds ?? {})).toEqual(['%SRCROOT%']);
  });

  it('a missing APK: the scan error is recorded (2), no emulator is started even with dynamic on, the gate fails with 2', () => {
    const { r } = run({ apk: 'no/such.apk', dynamic: 'true' });
    expect(r.ctx.steps.static!.outputs).toEqual({ 'exit-code': '2' });
    expect(stepOf(r, 'static').stderr).toMatch(/^sessionscope: .*no\/such\.apk.*\n$/);
    for (const id of ['kvm', 'emulator']) expect(stepOf(r, id).ran, id).toBe(false);
    expect(stepOf(r, 'github/codeql-action/upload-sarif').ran).toBe(false); // nothing to upload
    expect(stepOf(r, 'actions/upload-artifact').ran).toBe(true);
    expect(r.summary).toBe('');
    expect(stepOf(r, 'Gate on fail-on').exitCode).toBe(2);
    expect(r.outputs['exit-code']).toBe('2');
  });

  it('an input with shell syntax stays data: it reaches the CLI as one argument and runs nothing', () => {
    const ws = workspace([APK('insecure')]);
    const { r } = run({ apk: `${APK('insecure')}"; touch pwned; echo "`, dynamic: 'false', 'output-dir': '$(touch pwned2)' }, ws);
    expect(existsSync(path.join(ws, 'pwned'))).toBe(false);
    expect(existsSync(path.join(ws, 'pwned2'))).toBe(false);
    expect(existsSync(path.join(ws, '$(touch pwned2)/static'))).toBe(true);
    expect(r.ctx.steps.static!.outputs['exit-code']).toBe('2');
  });
});
