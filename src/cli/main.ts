/**
 * The command line: parse arguments, call the library, render, set the exit code.
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input or environment.
 */
import { Command, CommanderError, Option } from 'commander';
import { writeOutput } from './output.js';
import { describeError } from '../scan.js';
import { scanFiles } from '../scan-pool.js';
import { loadConfig, EMPTY_CONFIG } from '../config.js';
import { applyBaseline, loadBaseline, makeBaseline } from '../baseline.js';
import { render, FORMATS, type Format } from '../report/render.js';
import { SEVERITIES, type Report, type Severity } from '../report/types.js';
import { atOrAbove } from '../report/rule-docs.js';
import { RULES } from '../../static-rules/index.js';
import { VERSION } from '../version.js';
import { registerDynamic } from './dynamic-command.js';
import { registerGenerate } from './generate-command.js';
import { registerDoctor } from './doctor-command.js';
import { registerReport } from './report-command.js';

interface ScanCliOptions {
  format: Format;
  output?: string;
  failOn?: Severity | 'never';
  force?: boolean;
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  showSecrets?: boolean;
  sourceRoot?: string;
  sarifCategory?: string;
}

async function runScan(apks: string[], opts: ScanCliOptions): Promise<number> {
  const config = opts.config ? await loadConfig(opts.config, RULES.map((r) => r.meta.id)) : EMPTY_CONFIG;
  const known = opts.baseline ? await loadBaseline(opts.baseline) : null;
  const results = await scanFiles(apks, { config, showSecrets: opts.showSecrets === true });
  if (known) for (const r of results) r.analysis.baselineSuppressed = applyBaseline(r, known);
  const report: Report = { schemaVersion: 1, tool: { name: 'sessionscope', version: VERSION }, generatedAt: new Date().toISOString(), results };
  const text = render(report, opts.format, {
    color: !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR,
    rules: RULES.map((r) => r.meta),
    sourceRoot: opts.sourceRoot,
    sarifCategory: opts.sarifCategory,
  });
  if (opts.writeBaseline) await writeOutput(opts.writeBaseline, `${JSON.stringify(makeBaseline(results), null, 2)}\n`, { force: opts.force === true });
  if (opts.output) await writeOutput(opts.output, text, { force: opts.force === true });
  else process.stdout.write(text);
  const failOn = opts.failOn ?? config.failOn ?? 'high';
  return results.some((r) => r.findings.some((f) => atOrAbove(f.severity, failOn))) ? 1 : 0;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('sessionscope')
    .description('Find session-management flaws in Android apps: tokens readable on the device, cleartext traffic, backup exposure, sessions that survive logout.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('scan')
    .description('statically analyse APK files (.apk, or .apks/.xapk split bundles); several are scanned in parallel')
    .argument('<apk...>', 'APK, .apks or .xapk files')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--force', 'overwrite --output / --write-baseline even when it is not an earlier sessionscope file')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: high, or failOn in --config)').choices([...SEVERITIES, 'never']))
    .option('-c, --config <file>', 'configuration file (YAML or JSON): rules on/off, severity overrides, extra token key patterns, ignored libraries')
    .option('--baseline <file>', 'leave out findings whose fingerprint is in this baseline')
    .option('--write-baseline <file>', 'write the findings of this scan as a baseline')
    .option('--show-secrets', 'show token, password and key values in evidence (redacted by default)')
    .option('--source-root <dir>', 'SARIF: point manifest and resource findings at this source folder (e.g. app/src/main)')
    .option('--sarif-category <id>', 'SARIF: code scanning category (automationDetails.id, written with a trailing /), to keep several uploads apart')
    .addHelpText(
      'after',
      `
Examples:
  $ sessionscope scan app-release.apk
  $ sessionscope scan app.apk --format json --output report.json
  $ sessionscope scan app.apk --format sarif --source-root app/src/main --output sessionscope.sarif
  $ sessionscope scan app.apk --write-baseline .sessionscope-baseline.json --fail-on never
  $ sessionscope scan app.apk --baseline .sessionscope-baseline.json --fail-on medium
  $ sessionscope scan base.apks other.xapk --format html --output report.html

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 bad input.`,
    )
    .action(async (apks: string[], opts: ScanCliOptions) => {
      setExit(await runScan(apks, opts));
    });
  registerDynamic(program, setExit);
  registerReport(program, setExit);
  registerGenerate(program, setExit);
  registerDoctor(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (process.env.SESSIONSCOPE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.stderr.write(`sessionscope: ${describeError(err)}\n`);
    return 2;
  }
}
