/**
 * `sessionscope doctor`: can a dynamic run start on this machine? Runs the checks in src/doctor/
 * against the real host, prints one line per check with the commands that fix it, and sets the
 * exit code (0 ready, 2 not).
 */
import type { Command } from 'commander';
import { realHost } from '../doctor/host.js';
import { renderDoctorJson, renderDoctorText } from '../doctor/render.js';
import { runDoctor } from '../doctor/run.js';
import { UserError } from '../user-error.js';
import { VERSION } from '../version.js';

interface DoctorCliOptions {
  udid?: string;
  appiumUrl?: string;
  json?: boolean;
  timeout: string;
}

function parseTimeout(value: string): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0 || s > 600) throw new UserError(`--timeout ${value}: expected seconds between 0 and 600`);
  return Math.round(s * 1000);
}

export function registerDoctor(program: Command, setExit: (code: number) => void): void {
  program
    .command('doctor')
    .description('check that this machine can run `sessionscope dynamic`: Node, the Android SDK and adb, a device, root, Appium + UiAutomator2, Java, KVM, the emulator')
    .option('--udid <id>', 'the device to check (adb serial, e.g. emulator-5554); default: ANDROID_SERIAL, else the only (or first) one online')
    .option('--appium-url <url>', 'check this Appium server (GET /status) instead of the project\'s own Appium and its UiAutomator2 driver')
    .option('--json', 'print the checks as JSON (for CI)')
    .option('--timeout <seconds>', 'time limit for each external command (adb, java, emulator)', '10')
    .addHelpText(
      'after',
      `
Each line is one check: ok, warn, fail or skip (when what it needs failed), with what was found
and, for warn and fail, the command(s) that fix it (Linux and macOS where they differ).

Required for a dynamic run: Node.js in Appium 3's range, ANDROID_HOME or ANDROID_SDK_ROOT (only
when sessionscope starts its own Appium), adb, a device online and booted, and Appium with the
UiAutomator2 driver (or, with --appium-url, that server ready).
Advisory (warn only): root (without it, files of release builds read inconclusive; debuggable
apps are still read with run-as), Java (apksigner), /dev/kvm and the emulator binary (needed only
to boot an emulator, not when a device is attached).

Examples:
  $ sessionscope doctor
  $ sessionscope doctor --udid emulator-5554
  $ sessionscope doctor --appium-url http://127.0.0.1:4723 --json > doctor.json

Exit codes: 0 a dynamic run can start (warnings allowed), 2 it cannot (a required check failed,
or bad options).`,
    )
    .action(async (opts: DoctorCliOptions) => {
      const host = realHost(parseTimeout(opts.timeout));
      const outcome = await runDoctor(host, { udid: opts.udid ?? null, appiumUrl: opts.appiumUrl ?? null });
      process.stdout.write(
        opts.json
          ? renderDoctorJson(outcome, { name: 'sessionscope', version: VERSION })
          : renderDoctorText(outcome, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }),
      );
      setExit(outcome.exitCode);
    });
}
