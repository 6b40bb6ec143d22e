/**
 * The generated suite, run for real: record a dynamic run of each fixture app on the SIMULATED
 * device (test/sim-driver behind the real Appium server), generate the vitest project from its
 * report, and run that project with vitest against the same simulated device (a fresh udid, so a
 * clean device). Generated from the secure app it passes; generated from the insecure app it
 * fails with assertion messages that name the flaws by rule id; and the secure app's suite fails
 * when the simulation switches on a flaw (logout-leaves-token), as a regression test must.
 * Simulated results only: no emulator runs here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppiumServer } from '../../dynamic/appium-server.js';
import { APKS, CREDS, startSimServer } from '../dynamic/e2e-helpers.js';
import { INSECURE, newUdid, SECURE } from '../sim-driver/helpers.js';
import { cli, linkNodeModules, recordRun, runGenerated, runGeneratedWdio, tempDir } from './helpers.js';

let server: AppiumServer;
/** report.json of one recorded run per fixture app, shared by both runners' suites. */
const reports = { secure: '', insecure: '' };

beforeAll(async () => {
  server = await startSimServer();
  reports.secure = await recordRun(server, APKS.secure, SECURE, 'gen-secure');
  reports.insecure = await recordRun(server, APKS.insecure, INSECURE, 'gen-insecure');
}, 150_000);

afterAll(async () => {
  await server?.stop();
});

async function generateFrom(report: string, label: string, runner: 'vitest' | 'wdio' = 'vitest'): Promise<string> {
  const out = path.join(tempDir(label), 'tests');
  const r = await cli(['generate', '--from', report, '--out', out, '--runner', runner]);
  expect(r.code, r.stderr).toBe(0);
  linkNodeModules(out);
  return out;
}

function envFor(apk: string, label: string): Record<string, string> {
  return { ...CREDS, APPIUM_URL: server.url, ANDROID_SERIAL: newUdid(label), SESSIONSCOPE_APK: apk, SESSIONSCOPE_SETTLE_MS: '200' };
}

function failed(output: string, pkg: string): string[] {
  return [...output.matchAll(new RegExp(`^ FAIL  session\\.test\\.ts > session handling of ${pkg.replace(/\./g, '\\.')} > (.+)$`, 'gm'))].map((m) => m[1]!);
}

function noCredentials(output: string): void {
  for (const secret of Object.values(CREDS)) expect(output).not.toContain(secret);
}

describe('generated tests against the simulated device', () => {
  let secureDir = '';

  it('generated from the secure app: every test passes against it', async () => {
    secureDir = await generateFrom(reports.secure, 'gen-secure');
    const r = runGenerated(secureDir, envFor(APKS.secure, 'gen-secure-run'));
    expect(r.output).toMatch(/Tests\s+5 passed \(5\)/);
    expect(failed(r.output, SECURE)).toEqual([]);
    expect(r.code, r.output).toBe(0);
    noCredentials(r.output);
  }, 90_000);

  it('the same suite catches a regression: the secure app with logout no longer clearing the session', async () => {
    expect(secureDir).not.toBe('');
    const env = { ...envFor(APKS.secure, 'gen-regress-run'), SESSIONSCOPE_CAPABILITIES: JSON.stringify({ 'appium:simulation': { flaws: ['logout-leaves-token'] } }) };
    const r = runGenerated(secureDir, env);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/Tests\s+1 failed \| 4 passed \(5\)/);
    expect(failed(r.output, SECURE)).toEqual(['logout clears the session']);
    expect(r.output).toContain(
      'AssertionError: logout-leaves-session: shared_prefs/session.xml (auth_token_enc) written at login is still on the device after logout (in shared_prefs/session.xml)\nlogout-leaves-session: shared_prefs/session.xml (auth_token_iv) written at login is still on the device after logout (in shared_prefs/session.xml)\n',
    );
    noCredentials(r.output);
  }, 90_000);

  it('generated from the insecure app: the tests fail, each naming its flaw by rule id', async () => {
    const dir = await generateFrom(reports.insecure, 'gen-insecure');
    const r = runGenerated(dir, envFor(APKS.insecure, 'gen-insecure-run'));
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/Tests\s+5 failed \| 1 passed \(6\)/);
    expect(failed(r.output, INSECURE)).toEqual([
      'no plaintext token after login',
      'logout clears the session',
      'relaunch shows the login screen',
      'back navigation after logout shows nothing private',
      'reinstall does not restore the session',
    ]);
    for (const message of [
      'AssertionError: plaintext-session-storage: shared_prefs/session.xml holds a JWT in plaintext after login\nplaintext-session-storage: shared_prefs/session.xml holds the password typed at login in plaintext\n',
      'AssertionError: logout-leaves-session: shared_prefs/session.xml (auth_token) written at login is still on the device after logout (in shared_prefs/session.xml)\n',
      'AssertionError: ghost-login: after logout and a cold relaunch (force-stop, then start) the app opens logged in\n',
      'AssertionError: back-navigation-after-logout: after logout the back button shows a post-login screen\nback-navigation-after-logout: after logout, starting the exported activity com.example.insecureinvoice.InvoicesActivity directly shows a post-login screen\n',
      'AssertionError: reinstall-restores-session: after a backup (bmgr backupnow), uninstall and reinstall the app opens logged in\n',
    ]) {
      expect(r.output).toContain(message);
    }
    noCredentials(r.output);
  }, 90_000);

  describe('--runner wdio: the WDIO test runner with the Appium service', () => {
    it('generated from the secure app: passes, with Appium started by @wdio/appium-service from wdio.conf.ts', async () => {
      const dir = await generateFrom(reports.secure, 'gen-wdio-secure', 'wdio');
      // No APPIUM_URL: the service starts `appium` (this repository's, on PATH as npm test would put it)
      // with the simulated driver's adb_shell allowed, as the generated config says.
      const env = envFor(APKS.secure, 'gen-wdio-secure-run');
      delete (env as Record<string, string | undefined>).APPIUM_URL;
      const r = runGeneratedWdio(dir, env);
      expect(r.output).toContain('5 passing');
      expect(r.output).toMatch(/Spec Files:\s+1 passed, 1 total/);
      expect(r.code, r.output).toBe(0);
      noCredentials(r.output);
    }, 90_000);

    it('generated from the insecure app: fails, each assertion naming its flaw by rule id', async () => {
      const dir = await generateFrom(reports.insecure, 'gen-wdio-insecure', 'wdio');
      const r = runGeneratedWdio(dir, envFor(APKS.insecure, 'gen-wdio-insecure-run'));
      expect(r.code).toBe(1);
      expect(r.output).toContain('1 passing');
      expect(r.output).toContain('5 failing');
      for (const message of [
        'plaintext-session-storage: shared_prefs/session.xml holds a JWT in plaintext after login',
        'logout-leaves-session: shared_prefs/session.xml (auth_token) written at login is still on the device after logout',
        'ghost-login: after logout and a cold relaunch (force-stop, then start) the app opens logged in',
        'back-navigation-after-logout: after logout the back button shows a post-login screen',
        'reinstall-restores-session: after a backup (bmgr backupnow), uninstall and reinstall the app opens logged in',
      ]) {
        expect(r.output).toContain(message);
      }
      noCredentials(r.output);
    }, 90_000);
  });
});
