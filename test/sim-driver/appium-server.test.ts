/**
 * dynamic/appium-server.ts and Appium's view of the simulated driver: discovery from the project's
 * package.json (no APPIUM_HOME), a server where adb_shell is allowed only for another driver,
 * one-line start errors, and no process left behind.
 */
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppiumStartError, resolveAppiumCli, startAppiumServer, type AppiumServer } from '../../dynamic/appium-server.js';
import { APKS, ensureDriverBuilt, failure, INSECURE, newUdid, openSession, ROOT } from './helpers.js';

const run = promisify(execFile);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startError(p: Promise<AppiumServer>): Promise<AppiumStartError> {
  try {
    const s = await p;
    await s.stop();
  } catch (e) {
    if (e instanceof AppiumStartError) return e;
    throw e;
  }
  throw new Error('the server started');
}

let server: AppiumServer;

beforeAll(async () => {
  ensureDriverBuilt();
  // adb_shell is allowed, but only for the UiAutomator2 driver: simandroid sessions must not get it.
  server = await startAppiumServer({ allowInsecure: ['uiautomator2:adb_shell'], requireDrivers: ['simandroid', 'uiautomator2'] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) expect(alive(server.pid)).toBe(false);
});

describe('driver discovery', () => {
  it("'appium driver list --installed' (no APPIUM_HOME) lists simandroid from the file: devDependency, and uiautomator2", async () => {
    const env = { ...process.env };
    delete env.APPIUM_HOME;
    const { stdout } = await run(process.execPath, [resolveAppiumCli(ROOT), 'driver', 'list', '--installed', '--json'], { cwd: ROOT, env });
    const list = JSON.parse(stdout) as Record<string, { automationName: string; installPath: string; mainClass: string }>;
    expect(Object.keys(list).sort()).toEqual(expect.arrayContaining(['simandroid', 'uiautomator2']));
    expect(list.simandroid).toMatchObject({ automationName: 'SimAndroid', mainClass: 'SimAndroidDriver' });
    expect(realpathSync(list.simandroid!.installPath)).toBe(path.join(ROOT, 'test/sim-driver'));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['sessionscope-sim-driver']).toBe('file:test/sim-driver');
    // The running server loaded both and logs to its file, not to the test output.
    expect(server.drivers.map((d) => d.replace(/@.*/, '')).sort()).toEqual(['simandroid', 'uiautomator2']);
    expect(readFileSync(server.logFile, 'utf8')).toContain('Welcome to Appium v3');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('the adb_shell feature', () => {
  it("without 'simandroid:adb_shell' (or '*:adb_shell'), mobile: shell fails with Appium's own message", async () => {
    const d = await openSession(server, { udid: newUdid('noshell'), app: APKS.insecure, noReset: true });
    try {
      const msg = await failure(d.execute('mobile: shell', { command: 'id' }));
      expect(msg).toContain(
        "Potentially insecure feature 'adb_shell' has not been enabled. If you want to enable this feature and accept the security ramifications, please do so by following the documented instructions at http://appium.io/docs/en/latest/guides/security/",
      );
      // Everything that does not need the shell still works.
      expect(await d.queryAppState(INSECURE)).toBe(4);
      expect((await d.pullFile(`@${INSECURE}/shared_prefs/`).catch((e: Error) => e.message)) as string).toContain('It is expected that remote path points to a file');
    } finally {
      await d.deleteSession();
    }
  });
});

describe('startAppiumServer', () => {
  it('fails with one line naming what failed: port in use, missing driver, timeout, bad option', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const e = await startError(startAppiumServer({ port }));
      expect(e.reason).toBe('port-in-use');
      expect(e.message).toBe(`Appium server did not start: port 127.0.0.1:${port} is already in use`);
    } finally {
      busy.close();
    }

    const missing = await startError(startAppiumServer({ useDrivers: ['simandroid'], requireDrivers: ['nosuchdriver'] }));
    expect(missing.reason).toBe('missing-driver');
    expect(missing.message).toMatch(/^Appium server did not start: driver 'nosuchdriver' is not available \(not installed; loaded: simandroid; Appium home: \S+\) \(log: \S+\)$/);
    expect(alive(missing.pid!)).toBe(false);

    const slow = await startError(startAppiumServer({ readyTimeoutMs: 1 }));
    expect(slow.reason).toBe('timeout');
    expect(slow.message).toMatch(/^Appium server did not start: GET http:\/\/127\.0\.0\.1:\d+\/status was not ready within 1 ms \(log: \S+\)$/);
    expect(alive(slow.pid!)).toBe(false);

    const bare = await startError(startAppiumServer({ allowInsecure: ['adb_shell'] }));
    expect(bare.reason).toBe('bad-option');
    expect(bare.message).toContain("needs Appium 3's scope prefix, e.g. '*:adb_shell'");
    const open = await startError(startAppiumServer({ host: '0.0.0.0' }));
    expect(open.message).toContain('is not a loopback address');
    for (const e of [missing, slow, bare, open]) expect(e.message).not.toContain('\n');
  }, 60_000);

  it('stop() ends the Appium process itself (its PID is gone) and is idempotent', async () => {
    expect(alive(server.pid)).toBe(true);
    const status = (await (await fetch(`${server.url}/status`)).json()) as { value: { ready: boolean } };
    expect(status.value.ready).toBe(true);
    await server.stop();
    expect(alive(server.pid)).toBe(false);
    await server.stop();
    expect(await failure(fetch(`${server.url}/status`))).not.toBe('');
  });
});
