/**
 * `sessionscope generate --from report.json --out DIR`: TypeScript regression tests from a dynamic
 * run (src/generate/). Thin: parse the options, generate, say what was written and left out.
 */
import { Command, Option } from 'commander';

interface GenerateCliOptions {
  from: string;
  out: string;
  runner: 'vitest' | 'wdio';
  force?: boolean;
}

export function registerGenerate(program: Command, setExit: (code: number) => void): void {
  program
    .command('generate')
    .description('emit TypeScript regression tests (WebdriverIO + Appium) from the report of a dynamic run: one test per property the run checked')
    .requiredOption('--from <report>', 'report.json written by sessionscope dynamic')
    .requiredOption('--out <dir>', 'folder for the generated project (its own package.json and README)')
    .addOption(new Option('--runner <runner>', 'vitest: WebdriverIO remote() with vitest; wdio: the WDIO test runner with the Appium service').choices(['vitest', 'wdio']).default('vitest'))
    .option('--force', 'write into a folder that is not empty and not an earlier sessionscope generate output')
    .addHelpText(
      'after',
      `
The tests check on the live device: no plaintext token after login, logout clears the session,
relaunch shows the login screen, back navigation after logout shows nothing private, reinstall
does not restore the session, the token rotates. Probes that were inconclusive in the run get no
test (the generated README says why). Credentials stay environment variables (\${env:NAME}).

Examples:
  $ sessionscope dynamic app.apk --flow flow.yml --out out/dynamic
  $ sessionscope generate --from out/dynamic/report.json --out session-tests
  $ sessionscope generate --from out/dynamic/report.json --out session-tests --runner wdio --force
  $ cd session-tests && npm install && npm run typecheck && npm test

Exit codes: 0 written, 2 bad input (missing or unreadable report, not a sessionscope dynamic
report, nothing the run checked) or an output folder that is not ours (use --force).`,
    )
    .action(async (opts: GenerateCliOptions) => {
      // Loaded on use, like the dynamic stage.
      const { generate } = await import('../generate/generate.js');
      const out = await generate({ from: opts.from, out: opts.out, runner: opts.runner, force: opts.force === true });
      const m = out.model;
      process.stderr.write(`sessionscope generate: ${out.files.length} files in ${out.dir} (${opts.runner}) for ${m.app.package}${m.run.simulated ? ' (recorded on a SIMULATED device)' : ''}\n`);
      for (const t of m.tests) process.stderr.write(`  test: ${t.title} (${t.ruleId}; ${t.verdict === 'pass' ? 'passed' : 'failed'} in the run)\n`);
      for (const o of m.omitted) process.stderr.write(`  left out: ${o.title} (${o.why.split(':')[0]})\n`);
      setExit(0);
    });
}
