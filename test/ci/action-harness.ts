/**
 * Runs action.yml here the way the GitHub runner runs a composite action, as far as this machine
 * can: reads the metadata with `yaml`, applies the input defaults, evaluates the few expressions
 * the action uses (`${{ inputs.x }}`, `${{ github.action_path }}`, `${{ steps.<id>.outputs.<name> }}`,
 * `==`, `!=`, `&&`, `||`, `!`, `always()`/`success()`/`failure()`), and runs each `run:` step with
 * `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`) in the workspace, with that step's
 * `env:`, fresh GITHUB_OUTPUT files and one GITHUB_STEP_SUMMARY. `uses:` steps are handed to the
 * test (which asserts their `with:` and may stand in for them). Any other expression, shell or
 * runner feature throws: the harness must never quietly evaluate something differently from GitHub.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
}

export interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string | boolean | number>;
}

export interface ActionMetadata {
  name: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepContext {
  outputs: Record<string, string>;
  outcome: 'success' | 'failure';
}

export interface Context {
  inputs: Record<string, string>;
  github: { action_path: string };
  steps: Record<string, StepContext>;
  /** False once a step failed: what success()/failure() read. */
  ok: boolean;
}

export function loadAction(file: string): ActionMetadata {
  const meta = parse(readFileSync(file, 'utf8')) as ActionMetadata;
  if (meta?.runs?.using !== 'composite') throw new Error(`${file}: not a composite action`);
  return meta;
}

/** The inputs as the runner hands them to the steps: defaults applied, unknown or missing required inputs refused. */
export function resolveInputs(meta: ActionMetadata, given: Record<string, string>): Record<string, string> {
  for (const k of Object.keys(given)) if (!(k in meta.inputs)) throw new Error(`unknown input ${k}`);
  const out: Record<string, string> = {};
  for (const [k, def] of Object.entries(meta.inputs)) {
    if (def.required && given[k] === undefined) throw new Error(`input ${k} is required`);
    out[k] = given[k] ?? def.default ?? '';
  }
  return out;
}

// ---- expressions -------------------------------------------------------------------------------

type Value = string | boolean;
type Token = { kind: 'str' | 'ref' | 'op' | 'call'; text: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:'((?:[^']|'')*)'|(==|!=|&&|\|\||!|\(|\))|(always|success|failure)\(\)|([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))/y;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new Error(`expression not supported by the harness: ${src}`);
    if (m[1] !== undefined) tokens.push({ kind: 'str', text: m[1].replace(/''/g, "'") });
    else if (m[2] !== undefined) tokens.push({ kind: 'op', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'call', text: m[3] });
    else tokens.push({ kind: 'ref', text: m[4]! });
    i = re.lastIndex;
  }
  return tokens;
}

function lookup(ref: string, ctx: Context): string {
  const parts = ref.split('.');
  if (parts[0] === 'inputs' && parts.length === 2) {
    if (!(parts[1]! in ctx.inputs)) throw new Error(`expression names an undeclared input: ${ref}`);
    return ctx.inputs[parts[1]!]!;
  }
  if (ref === 'github.action_path') return ctx.github.action_path;
  if (parts[0] === 'steps' && parts.length === 4 && parts[2] === 'outputs') return ctx.steps[parts[1]!]?.outputs[parts[3]!] ?? '';
  throw new Error(`context not supported by the harness: ${ref}`);
}

/** GitHub's truthiness for the values the action's expressions can produce. */
const truthy = (v: Value): boolean => (typeof v === 'boolean' ? v : v !== '');

export function evaluate(src: string, ctx: Context): Value {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const primary = (): Value => {
    const t = tokens[pos++];
    if (!t) throw new Error(`incomplete expression: ${src}`);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'ref') return lookup(t.text, ctx);
    if (t.kind === 'call') return t.text === 'always' ? true : t.text === 'success' ? ctx.ok : !ctx.ok;
    if (t.text === '!') return !truthy(primary());
    if (t.text === '(') {
      const v = or();
      if (tokens[pos++]?.text !== ')') throw new Error(`missing ) in: ${src}`);
      return v;
    }
    throw new Error(`unexpected ${t.text} in: ${src}`);
  };
  const compare = (): Value => {
    const left = primary();
    const op = peek();
    if (op?.kind === 'op' && (op.text === '==' || op.text === '!=')) {
      pos++;
      const right = primary();
      if (typeof left !== 'string' || typeof right !== 'string') throw new Error(`harness compares strings only: ${src}`);
      // GitHub compares strings case-insensitively.
      const eq = left.toLowerCase() === right.toLowerCase();
      return op.text === '==' ? eq : !eq;
    }
    return left;
  };
  const and = (): Value => {
    let v = compare();
    while (peek()?.text === '&&') {
      pos++;
      const r = compare();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek()?.text === '||') {
      pos++;
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const v = or();
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos]!.text} in: ${src}`);
  return v;
}

/** Replaces every `${{ expr }}` in a string value. */
export function interpolate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => String(evaluate(expr, ctx)));
}

/** A step's `if:` as the runner reads it: without a status function it means `success() && (...)`. */
export function shouldRun(step: ActionStep, ctx: Context): boolean {
  if (step.if === undefined) return ctx.ok;
  const cond = step.if.replace(/^\s*\$\{\{(.*)\}\}\s*$/s, '$1');
  const v = truthy(evaluate(cond, ctx));
  return /\b(always|success|failure|cancelled)\(\)/.test(cond) ? v : ctx.ok && v;
}

/** GITHUB_OUTPUT's two forms: `name=value` and `name<<DELIM` … `DELIM`. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: ${heredoc[1]} has no closing ${heredoc[2]}`);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`GITHUB_OUTPUT: malformed line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

// ---- running -----------------------------------------------------------------------------------

export interface StepRecord {
  step: ActionStep;
  ran: boolean;
  exitCode: number | null;
  env: Record<string, string>;
  with: Record<string, string>;
  stdout: string;
  stderr: string;
}

export interface UsesCall {
  step: ActionStep;
  with: Record<string, string>;
  /** The process environment the runner would give this action: the base env plus the step's `env:`. */
  env: NodeJS.ProcessEnv;
  ctx: Context;
}

export interface RunOptions {
  actionFile: string;
  inputs: Record<string, string>;
  /** The folder the runner would check the action out to (GITHUB_ACTION_PATH). */
  actionPath: string;
  /** GITHUB_WORKSPACE, the working directory of every step. */
  workspace: string;
  env: NodeJS.ProcessEnv;
  /** Stands in for a `uses:` step; returns its exit code. */
  uses(call: UsesCall): number;
  /** Returns a replacement for a `run:` step that must not run here (e.g. `npm ci`, sudo), or null to run it. */
  standIn?(step: ActionStep): { exitCode: number } | null;
}

export interface ActionRun {
  steps: StepRecord[];
  ctx: Context;
  summary: string;
  outputs: Record<string, string>;
  /** The composite action's result: failure when any step failed. */
  ok: boolean;
}

export function runAction(o: RunOptions): ActionRun {
  const meta = loadAction(o.actionFile);
  const ctx: Context = { inputs: resolveInputs(meta, o.inputs), github: { action_path: o.actionPath }, steps: {}, ok: true };
  const tmp = mkdtempSync(path.join(tmpdir(), 'sessionscope-action-'));
  const summaryFile = path.join(tmp, 'step-summary.md');
  writeFileSync(summaryFile, '');
  const records: StepRecord[] = [];
  meta.runs.steps.forEach((step, i) => {
    const rec: StepRecord = { step, ran: false, exitCode: null, env: {}, with: {}, stdout: '', stderr: '' };
    records.push(rec);
    if (!shouldRun(step, ctx)) return;
    rec.ran = true;
    rec.env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
    rec.with = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
    const outputFile = path.join(tmp, `output-${i}`);
    const envFile = path.join(tmp, `env-${i}`);
    writeFileSync(outputFile, '');
    writeFileSync(envFile, '');
    const env: NodeJS.ProcessEnv = {
      ...o.env,
      GITHUB_WORKSPACE: o.workspace,
      GITHUB_ACTION_PATH: o.actionPath,
      GITHUB_OUTPUT: outputFile,
      GITHUB_ENV: envFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...rec.env,
    };
    if (step.uses !== undefined) {
      rec.exitCode = o.uses({ step, with: rec.with, env, ctx });
    } else if (step.run !== undefined) {
      if (step.shell !== 'bash') throw new Error(`step ${step.name ?? i}: shell ${step.shell ?? '(none)'} is not supported by the harness`);
      const standIn = o.standIn?.(step) ?? null;
      if (standIn) {
        rec.exitCode = standIn.exitCode;
      } else {
        const script = path.join(tmp, `step-${i}.sh`);
        writeFileSync(script, step.run);
        const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: o.workspace, env, encoding: 'utf8', timeout: 300_000 });
        rec.stdout = r.stdout;
        rec.stderr = r.stderr;
        rec.exitCode = r.status ?? 128;
      }
    } else {
      throw new Error(`step ${step.name ?? i}: neither run nor uses`);
    }
    if (readFileSync(envFile, 'utf8') !== '') throw new Error(`step ${step.name ?? i} wrote GITHUB_ENV, which the harness does not implement`);
    const outcome = rec.exitCode === 0 ? 'success' : 'failure';
    if (step.id) ctx.steps[step.id] = { outputs: parseOutputFile(readFileSync(outputFile, 'utf8')), outcome };
    if (outcome === 'failure') ctx.ok = false;
  });
  const outputs = Object.fromEntries(Object.entries(meta.outputs).map(([k, v]) => [k, interpolate(v.value, ctx)]));
  const summary = readFileSync(summaryFile, 'utf8');
  rmSync(tmp, { recursive: true, force: true });
  return { steps: records, ctx, summary, outputs, ok: ctx.ok };
}

/** The record of the step with this id, or named so. */
export function stepOf(run: ActionRun, key: string): StepRecord {
  const rec = run.steps.find((r) => r.step.id === key || r.step.name === key || r.step.uses?.startsWith(`${key}@`));
  if (!rec) throw new Error(`no step ${key} in the action`);
  return rec;
}
