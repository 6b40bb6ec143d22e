/**
 * `sessionscope dynamic <apk>`: the dynamic stage on a device through Appium (dynamic/run.ts).
 * Thin: parse the options, wire Ctrl-C to the run, print the report, set the exit code.
 */
import { Command, Option } from 'commander';
import { FORMATS, type Format } from '../report/render.js';
import { SEVERITIES, type Severity } from '../report/types.js';

interface DynamicCliOptions {
  flow?: string;
  writeFlow?: string;
  appiumUrl?: string;
  udid?: string;
  capability: string[];
  out: string;
  format: Format;
  failOn: Severity | 'never';
  force?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerDynamic(program: Command, setExit: (code: number) => void): void {
  program
    .command('dynamic')
    .description('run the app on a device or emulator through Appium and prove what login, logout, relaunch and reinstall leave behind')
    .argument('<apk>', 'the APK to install and test')
    .option('--flow <file>', 'flow file (YAML): login/logout steps, loggedIn/loggedOut markers, optional request template; without it the autopilot looks for the login form and logout control')
    .option('--write-flow <file>', 'where the autopilot writes the flow it found (default: <out>/flow.yml); not overwritten without --force')
    .option('--appium-url <url>', 'use this Appium server (default: start the project\'s own, with adb_shell allowed); it must run on this host, since installApp reads the APK path there')
    .option('--udid <id>', 'the device to use (adb serial, e.g. emulator-5554)')
    .option('--capability <k=v>', 'extra capability, repeatable; values are JSON when they parse (appium:avd=Pixel_7, appium:platformVersion=14)', collect, [])
    .option('--out <dir>', 'folder for report.json, screenshots, page sources and appium.log', 'sessionscope-dynamic')
    .addOption(new Option('-f, --format <format>', 'format printed at the end and written as <out>/report.<ext> (report.json is always written)').choices([...FORMATS]).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'never']).default('high'))
    .option('--force', 'overwrite an existing report or flow file that is not an earlier sessionscope file')
    .addHelpText(
      'after',
      `
Credentials are read from the environment, never from the command line:
  SESSIONSCOPE_USER / SESSIONSCOPE_PASSWORD (autopilot), or any \${env:NAME} the flow file names.

Examples:
  $ export SESSIONSCOPE_USER=qa@example.com SESSIONSCOPE_PASSWORD=...
  $ sessionscope dynamic app-debug.apk                                # autopilot, writes sessionscope-dynamic/flow.yml
  $ sessionscope dynamic app.apk --flow flow.yml --out out/dynamic --format html
  $ sessionscope dynamic app.apk --flow flow.yml --appium-url http://127.0.0.1:4723 --udid emulator-5554
  $ sessionscope dynamic app.apk --flow flow.yml --capability appium:avd=Pixel_7_API_34 --fail-on medium

The Appium server needs mobile: shell (--allow-insecure=uiautomator2:adb_shell) for file listings,
bmgr and dumpsys; without it, or without root or a debuggable build, probes that need the app's
files say inconclusive. Use an emulator image without Google Play (google_apis, default, *_atd)
and run \`adb root\` before the run, so release builds can be read too. Progress goes to stderr,
one line per step; every step leaves a screenshot and a page source in --out.

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 bad input or a fault
(no server, driver or device, install failure, a selector that never appears, app crash, device
lost); the report written so far stays in --out and says where the run stopped. 130 after Ctrl-C.`,
    )
    .action(async (apk: string, opts: DynamicCliOptions) => {
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\nsessionscope: Ctrl-C: stopping after writing the report (press again to quit at once)\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        // Loaded on use: WebdriverIO and the probes cost hundreds of ms that `scan` must not pay.
        const { renderFinal, runDynamic } = await import('../../dynamic/run.js');
        const outcome = await runDynamic({
          apk,
          flowPath: opts.flow ?? null,
          writeFlow: opts.writeFlow ?? null,
          appiumUrl: opts.appiumUrl ?? null,
          udid: opts.udid ?? null,
          capabilities: opts.capability,
          outDir: opts.out,
          format: opts.format,
          failOn: opts.failOn,
          force: opts.force === true,
          signal: controller.signal,
        });
        if (outcome.report && !outcome.error) {
          process.stdout.write(renderFinal(outcome.report, opts.format, process.stdout.isTTY === true && !process.env.NO_COLOR));
        }
        if (outcome.reportPath) process.stderr.write(`report: ${outcome.reportPath}\n`);
        // One line, in the form main() uses for thrown errors; the exit code is the run's (2, or 130 after Ctrl-C).
        if (outcome.error) process.stderr.write(`sessionscope: ${outcome.error}\n`);
        setExit(outcome.exitCode);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
