#!/usr/bin/env node
/**
 * Checks the verdicts of a dynamic report of one of the fixture apps (test/fixtures/README.md)
 * against what that app must show: insecure-invoice keeps its token after logout, so logout,
 * relaunch and reinstall FAIL; secure-invoice clears it and keeps it out of backups, so the same
 * probes PASS. Used by the project's own dynamic CI job after the action ran on a real emulator,
 * where a report from the simulated device would prove nothing: such a report is refused unless
 * --allow-simulated is given (the tests give it).
 *
 * Usage: node scripts/check-dynamic-verdicts.mjs <report.json> <insecure|secure> [--allow-simulated]
 * Exit codes: 0 every verdict as expected, 1 a verdict differs (one line each), 2 bad input.
 */
import { readFileSync } from 'node:fs';

const PROBES = ['logout', 'relaunch', 'reinstall'];
const EXPECTED = { insecure: 'fail', secure: 'pass' };
const USAGE = 'usage: check-dynamic-verdicts.mjs <report.json> <insecure|secure> [--allow-simulated]';

function bad(message) {
  process.stderr.write(`check-dynamic-verdicts: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const allowSimulated = args.includes('--allow-simulated');
const [file, app, ...rest] = args.filter((a) => a !== '--allow-simulated');
if (!file || !app || rest.length > 0) bad(USAGE);
if (!Object.hasOwn(EXPECTED, app)) bad(`${app}: unknown app, expected insecure or secure`);

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  bad(`${file}: ${err.code === 'ENOENT' ? 'not found' : err instanceof SyntaxError ? `not JSON (${err.message})` : err.message}`);
}
const run = report?.results?.[0]?.dynamic;
if (!run || !Array.isArray(run.probes)) bad(`${file}: no dynamic run in results[0].dynamic (not a report of sessionscope dynamic)`);
if (run.simulated === true && !allowSimulated) bad(`${file}: the report is from the SIMULATED device, not an emulator`);

const device = `${run.simulated ? 'SIMULATED device' : 'device'} ${run.device?.udid ?? '?'} (Android ${run.device?.platformVersion ?? '?'})`;
const want = EXPECTED[app];
let wrong = 0;
for (const name of PROBES) {
  const probe = run.probes.find((p) => p.name === name);
  const got = probe?.verdict ?? 'missing';
  const ok = got === want;
  if (!ok) wrong++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${app}-invoice ${name}: ${got}${ok ? '' : ` (expected ${want})`}${probe?.summary ? ` - ${probe.summary}` : ''}\n`);
}
if (run.stoppedAt) process.stdout.write(`note: the run stopped at ${run.stoppedAt}\n`);
process.stdout.write(`${wrong === 0 ? 'verdicts as expected' : `${wrong} verdict(s) not as expected`} on the ${device}\n`);
process.exit(wrong === 0 ? 0 : 1);
