/**
 * The command line: parse arguments, call the library, render, set the exit code.
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input or environment.
 */
import { Command, CommanderError, Option } from 'commander';
import { writeOutput } from './output.js';
import { describeError, scanFile } from '../scan.js';
import { renderJson } from '../report/json.js';
import { renderText } from '../report/text.js';
import { SEVERITIES, type Report, type Severity, type TargetResult } from '../report/types.js';
import { VERSION } from '../version.js';

class ExitError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

function fail(message: string): never {
  throw new ExitError(message, 2);
}

interface ScanCliOptions {
  format: 'text' | 'json';
  output?: string;
  failOn: Severity | 'never';
  force?: boolean;
}

function atOrAbove(sev: Severity, threshold: Severity | 'never'): boolean {
  if (threshold === 'never') return false;
  return SEVERITIES.indexOf(sev) <= SEVERITIES.indexOf(threshold);
}

async function runScan(apks: string[], opts: ScanCliOptions): Promise<number> {
  const results: TargetResult[] = [];
  for (const apk of apks) {
    try {
      results.push((await scanFile(apk)).result);
    } catch (err) {
      const msg = describeError(err);
      fail(msg.startsWith(apk) ? msg : `${apk}: ${msg}`);
    }
  }
  const report: Report = { schemaVersion: 1, tool: { name: 'sessionscope', version: VERSION }, results };
  const text =
    opts.format === 'json'
      ? renderJson(report)
      : renderText(report, { color: !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR });
  if (opts.output) {
    try {
      await writeOutput(opts.output, text, { force: opts.force === true });
    } catch (err) {
      fail((err as Error).message);
    }
  } else process.stdout.write(text);
  const failing = results.some((r) => r.findings.some((f) => atOrAbove(f.severity, opts.failOn)));
  return failing ? 1 : 0;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sessionscope')
    .description('Find session-management flaws in Android apps: tokens readable on the device, cleartext traffic, backup exposure, sessions that survive logout.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);

  program
    .command('scan')
    .description('statically analyse APK files (.apk, or .apks/.xapk split bundles)')
    .argument('<apk...>', 'APK, .apks or .xapk files')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--force', 'overwrite --output even when it is not an earlier sessionscope report')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'never']).default('high'))
    .addHelpText(
      'after',
      `
Examples:
  $ sessionscope scan app-release.apk
  $ sessionscope scan app.apk --format json --output report.json
  $ sessionscope scan base.apks --fail-on medium

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 bad input.`,
    )
    .action(async (apks: string[], opts: ScanCliOptions) => {
      program.setOptionValue('exitCode', await runScan(apks, opts));
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return (program.getOptionValue('exitCode') as number | undefined) ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ExitError) {
      process.stderr.write(`sessionscope: ${err.message}\n`);
      return err.code;
    }
    if (process.env.SESSIONSCOPE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.stderr.write(`sessionscope: ${describeError(err)}\n`);
    return 2;
  }
}
