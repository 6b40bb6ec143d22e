/**
 * Doctor's output: text for people (one line per check, fix commands under it, a verdict at the
 * end; ✓ ! ✗ in colour on a terminal, plain ASCII words otherwise) and JSON for CI.
 */
import pc from 'picocolors';
import type { DoctorResult } from './run.js';
import type { CheckResult, Status } from './types.js';

const MARK: Record<Status, { unicode: string; ascii: string; color: 'green' | 'yellow' | 'red' | 'dim' }> = {
  ok: { unicode: '✓', ascii: 'OK  ', color: 'green' },
  warn: { unicode: '!', ascii: 'WARN', color: 'yellow' },
  fail: { unicode: '✗', ascii: 'FAIL', color: 'red' },
  skip: { unicode: '-', ascii: 'SKIP', color: 'dim' },
};

const OS_LABEL = { linux: 'Linux', macos: 'macOS' } as const;

function verdict(r: DoctorResult): string {
  if (r.ready) {
    const warns = r.checks.filter((c) => c.status === 'warn').length;
    return `ready: a dynamic run can start${warns ? ` (${warns} warning${warns === 1 ? '' : 's'})` : ''}`;
  }
  const blocking = r.checks.filter((c) => c.required && c.status !== 'ok' && c.status !== 'warn');
  return `not ready: a dynamic run cannot start (${blocking.map((c) => `${c.id} ${c.status === 'skip' ? 'skipped' : 'failed'}`).join(', ')})`;
}

export function renderDoctorText(r: DoctorResult, opts: { color: boolean }): string {
  const c = pc.createColors(opts.color);
  const line = (ch: CheckResult): string[] => {
    const m = MARK[ch.status];
    const mark = opts.color ? c[m.color](m.unicode) : m.ascii;
    const out = [ch.status === 'skip' ? c.dim(`${mark} ${ch.title}: ${ch.detail}`) : `${mark} ${c.bold(ch.title)}: ${ch.detail}`];
    for (const f of ch.fix) out.push(`     fix${f.os ? ` (${OS_LABEL[f.os]})` : ''}: ${f.command}`);
    return out;
  };
  const last = verdict(r);
  return [...r.checks.flatMap(line), '', opts.color ? (r.ready ? c.green(last) : c.red(last)) : last, ''].join('\n');
}

export function renderDoctorJson(r: DoctorResult, tool: { name: string; version: string }): string {
  return `${JSON.stringify({ schemaVersion: 1, tool, ready: r.ready, exitCode: r.exitCode, checks: r.checks }, null, 2)}\n`;
}
