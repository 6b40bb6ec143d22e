import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/report/types.js';
import { ROOT } from '../helpers/apks.js';

const load = (name: string): Report => JSON.parse(readFileSync(join(ROOT, 'test/report/fixtures', name), 'utf8'));

describe('renderText', () => {
  it('groups findings by severity and says when the dynamic run was simulated', () => {
    const report = load('insecure-invoice.json');
    const r = report.results[0]!;
    r.dynamic = { simulated: true, probes: [{ name: 'logout', verdict: 'fail', summary: '2 of 2 session values survive logout' }] };
    const text = renderText(report, { color: false });
    expect(text.split('\n')[0]).toBe(`sessionscope ${report.tool.version} report: 1 target`);
    expect(text).toContain('  dynamic run (SIMULATED device, not an emulator):\n    FAIL         logout: 2 of 2 session values survive logout');
    const high = r.findings.filter((f) => f.severity === 'high').length;
    expect(text).toContain(`  HIGH (${high})`);
    expect(text).not.toMatch(/\u001b\[/);
  });
});
