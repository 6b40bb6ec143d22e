/**
 * emulator/appium.sh against the project's REAL Appium (node_modules/appium, which loads the
 * simulated driver `simandroid` from the devDependency): the pidfile holds the Appium node
 * process itself, /status answers, stop ends it and is idempotent, and a busy port is a one-line
 * error with the log's last lines.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dynamic/appium-server.js';
import { ensureDriverBuilt } from '../sim-driver/helpers.js';
import { alive, baseEnv, ROOT, runScript } from './helpers.js';

let out: string;
let port: number;
let env: NodeJS.ProcessEnv;
const started: number[] = [];

beforeAll(async () => {
  ensureDriverBuilt();
  out = mkdtempSync(path.join(tmpdir(), 'sessionscope-appium-sh-'));
  port = await freePort();
  env = baseEnv({ SESSIONSCOPE_OUT: out, SESSIONSCOPE_APPIUM_PORT: String(port), SESSIONSCOPE_APPIUM_ALLOW_INSECURE: 'simandroid:adb_shell' });
});

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

async function status(p: number): Promise<{ ready: boolean; build: string }> {
  const res = await fetch(`http://127.0.0.1:${p}/status`);
  const body = (await res.json()) as { value: { ready: boolean; build: { version: string } } };
  return { ready: body.value.ready, build: body.value.build.version };
}

describe('appium.sh', () => {
  it('start: the pidfile holds the Appium node process, /status answers; status: 0; stop: gone, pidfile removed; stop again: fine', async () => {
    const r = await runScript('appium.sh', ['start'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pidfile = path.join(out, 'appium.pid');
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    started.push(pid);
    expect(r.stdout).toBe(`sessionscope-emulator: appium: ready at http://127.0.0.1:${port} (pid ${pid}, log ${path.join(out, 'appium.log')})\n`);

    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(path.basename(argv[0]!)).toBe('node');
    expect(argv.slice(1)).toEqual([
      path.join(ROOT, 'node_modules/appium/index.js'),
      'server', '--address', '127.0.0.1', '--port', String(port),
      '--allow-insecure=uiautomator2:adb_shell,simandroid:adb_shell',
      '--log-no-colors', '--log-timestamp',
      '--log-filters', path.join(out, 'appium-log-filters.json'),
    ]);
    expect(readFileSync(`/proc/${pid}/cwd/package.json`, 'utf8')).toContain('"name": "sessionscope"');
    expect((await status(port)).ready).toBe(true);
    const log = readFileSync(path.join(out, 'appium.log'), 'utf8');
    expect(log).toMatch(/- simandroid@\d+\.\d+\.\d+ \(automationName 'SimAndroid'\)/);
    expect(log).toContain(`listener started on http://127.0.0.1:${port}`);
    expect(log).not.toMatch(/\x1b\[/); // --log-no-colors

    const st = await runScript('appium.sh', ['status'], env);
    expect(st.code).toBe(0);
    expect(st.stdout).toBe(`sessionscope-emulator: appium: running at http://127.0.0.1:${port} (pid ${pid})\n`);

    // a second start while it runs: refused, the first keeps running
    const again = await runScript('appium.sh', ['start'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`sessionscope-emulator: appium: already running (pid ${pid} in ${pidfile}); run 'appium.sh stop' first\n`);
    expect(alive(pid)).toBe(true);

    const stop = await runScript('appium.sh', ['stop'], env);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toBe(`sessionscope-emulator: appium: stopped (pid ${pid})\n`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(pidfile)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/status`)).rejects.toThrow();

    const twice = await runScript('appium.sh', ['stop'], env);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toBe(`sessionscope-emulator: appium: not running (no pid in ${pidfile})\n`);

    const down = await runScript('appium.sh', ['status'], env);
    expect(down.code).toBe(1);
    expect(down.stdout).toBe(`sessionscope-emulator: appium: not running at http://127.0.0.1:${port}\n`);
  });

  it('a busy port: exit 2, one line naming the port and the log, then the log tail; no pidfile left', async () => {
    const busy = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(busy, '127.0.0.1', () => r()));
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-appium-busy-'));
      const r = await runScript('appium.sh', ['start'], baseEnv({ SESSIONSCOPE_OUT: dir, SESSIONSCOPE_APPIUM_PORT: String(busy) }));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe(`sessionscope-emulator: appium: did not start: port 127.0.0.1:${busy} is already in use (log: ${path.join(dir, 'appium.log')})`);
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.slice(1).every((l) => l.startsWith('  | '))).toBe(true);
      expect(lines.slice(1).join('\n')).toContain(`EADDRINUSE: address already in use 127.0.0.1:${busy}`);
      expect(existsSync(path.join(dir, 'appium.pid'))).toBe(false);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('a stale pidfile (a process that is not Appium) is removed, the process left alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-appium-stale-'));
    writeFileSync(path.join(dir, 'appium.pid'), `${process.pid}\n`);
    const r = await runScript('appium.sh', ['stop'], baseEnv({ SESSIONSCOPE_OUT: dir }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`sessionscope-emulator: appium: not running (pid ${process.pid} is gone or not an Appium process)\n`);
    expect(existsSync(path.join(dir, 'appium.pid'))).toBe(false);
  });

  it.each([
    [['restart'], "sessionscope-emulator: appium: usage: appium.sh start|stop|status (got 'restart')"],
    [[], "sessionscope-emulator: appium: usage: appium.sh start|stop|status (got '')"],
  ])('bad usage %j: exit 2, one line', async (args, line) => {
    const r = await runScript('appium.sh', args, baseEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
  });

  it('a bad port: exit 2, one line, nothing started', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sessionscope-appium-port-'));
    const r = await runScript('appium.sh', ['start'], baseEnv({ SESSIONSCOPE_OUT: dir, SESSIONSCOPE_APPIUM_PORT: '70000' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sessionscope-emulator: appium: SESSIONSCOPE_APPIUM_PORT must be a port number, not '70000'\n");
    expect(existsSync(path.join(dir, 'appium.pid'))).toBe(false);
  });
});
