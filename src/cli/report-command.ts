/**
 * `sessionscope report <report.json>`: render a saved report (from `scan --format json` or from
 * `dynamic`) in another format, e.g. SARIF for code scanning and HTML for people from one run.
 * The report is re-rendered as it was saved: evidence redacted at scan time stays redacted.
 */
import { Command, Option } from 'commander';
import { loadReport } from '../report/load.js';
import { render, FORMATS, type Format } from '../report/render.js';
import { atOrAbove } from '../report/rule-docs.js';
import { SEVERITIES, type Severity } from '../report/types.js';
import { allRuleDocs } from '../../dynamic/findings.js';
import { writeOutput } from './output.js';

interface ReportCliOptions {
  format: Format;
  output?: string;
  force?: boolean;
  failOn: Severity | 'never';
  sourceRoot?: string;
  sarifCategory?: string;
}

export function registerReport(program: Command, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('render a saved report.json (from scan --format json or from dynamic) in another format')
    .argument('<report.json>', 'a report written by sessionscope')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--force', 'overwrite --output even when it is not an earlier sessionscope file')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding in the report is at or above this severity').choices([...SEVERITIES, 'never']).default('never'))
    .option('--source-root <dir>', 'SARIF: point manifest and resource findings at this source folder (e.g. app/src/main)')
    .option('--sarif-category <id>', 'SARIF: code scanning category (automationDetails.id, written with a trailing /), to keep several uploads apart')
    .addHelpText(
      'after',
      `
Examples:
  $ sessionscope scan app.apk --format json --output report.json --fail-on never
  $ sessionscope report report.json --format sarif --sarif-category static --output report.sarif
  $ sessionscope report sessionscope-dynamic/report.json --format html --output report.html
  $ sessionscope report sessionscope-dynamic/report.json --format markdown >> "$GITHUB_STEP_SUMMARY"
  $ sessionscope report report.json --format text --fail-on high     # gate on a saved report

Exit codes: 0 written (and nothing at or above --fail-on), 1 findings at or above --fail-on,
2 the file is missing, not JSON or not a sessionscope report (one line names the field).`,
    )
    .action(async (file: string, opts: ReportCliOptions) => {
      const report = await loadReport(file);
      const text = render(report, opts.format, {
        color: !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR,
        rules: allRuleDocs(),
        sourceRoot: opts.sourceRoot,
        sarifCategory: opts.sarifCategory,
      });
      if (opts.output) await writeOutput(opts.output, text, { force: opts.force === true });
      else process.stdout.write(text);
      setExit(report.results.some((r) => r.findings.some((f) => atOrAbove(f.severity, opts.failOn))) ? 1 : 0);
    });
}
