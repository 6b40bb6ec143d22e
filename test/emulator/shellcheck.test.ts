/**
 * Every emulator/ script passes shellcheck at severity "style" (the strictest), with sourced
 * files followed (-x). Skipped, with a message naming shellcheck, only when it is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMULATOR, ROOT } from './helpers.js';

const installed = spawnSync('shellcheck', ['--version']).status === 0;
const scripts = readdirSync(EMULATOR).filter((f) => f.endsWith('.sh')).sort();

describe.skipIf(!installed)('shellcheck (skipped: shellcheck is not installed)', () => {
  it('finds the five scripts', () => {
    expect(scripts).toEqual(['appium.sh', 'lib.sh', 'prepare-device.sh', 'run-dynamic.sh', 'wait-for-boot.sh']);
  });

  it('passes every script at severity style', () => {
    let output = '';
    let status = 0;
    try {
      execFileSync('shellcheck', ['-x', '-S', 'style', ...scripts.map((s) => path.join('emulator', s))], { cwd: ROOT, encoding: 'utf8' });
    } catch (e) {
      const err = e as { status: number; stdout: string };
      status = err.status;
      output = err.stdout;
    }
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});

describe('script conventions', () => {
  it.each(scripts)('%s: bash shebang, strict mode (lib.sh: sourced only), no set -x, no ${{ }}', (name) => {
    const text = readFileSync(path.join(EMULATOR, name), 'utf8');
    expect(text.split('\n')[0]).toBe('#!/usr/bin/env bash');
    if (name !== 'lib.sh') expect(text).toMatch(/^set -euo pipefail$/m);
    expect(text).not.toMatch(/^\s*set -[a-z]*x/m);
    expect(text).not.toContain('${{');
  });
});

if (!installed) console.warn('shellcheck is not installed: the shellcheck tests of emulator/*.sh are skipped (apt-get install shellcheck)');
