/** The example flow file shipped in examples/ (also shown in the README) stays valid. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow } from '../dynamic/flow.js';
import { ROOT } from './helpers/apks.js';

describe('examples/insecure-invoice.flow.yml', () => {
  it('parses, and is the flow the README shows', () => {
    const text = readFileSync(join(ROOT, 'examples/insecure-invoice.flow.yml'), 'utf8');
    const flow = parseFlow(text, 'insecure-invoice.flow.yml', { env: { SESSIONSCOPE_USER: 'u', SESSIONSCOPE_PASSWORD: 'p' } });
    expect(flow.login.map((s) => s.action)).toEqual(['type', 'type', 'tap']);
    expect(flow.logout.map((s) => s.action)).toEqual(['tap']);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(text.trim());
  });
});
