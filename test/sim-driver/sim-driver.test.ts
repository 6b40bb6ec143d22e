/**
 * The simulated Android device end to end: the real Appium 3 server (started with
 * dynamic/appium-server.ts, adb_shell allowed for simandroid), the real WebdriverIO client and the
 * simandroid driver. One server for the whole file; every test uses its own simulated device (udid).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import initSqlJs from 'sql.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAppiumServer, type AppiumServer } from '../../dynamic/appium-server.js';
import { loadApp } from '../../src/model/app.js';
import {
  APKS,
  ensureDriverBuilt,
  failure,
  INSECURE,
  jwtPayload,
  login,
  logout,
  newUdid,
  openSession,
  prefValue,
  readAsRoot,
  relaunch,
  ROOT,
  screen,
  SECURE,
  shell,
  type Browser,
} from './helpers.js';

let server: AppiumServer;
const open: Browser[] = [];

beforeAll(async () => {
  ensureDriverBuilt();
  server = await startAppiumServer({ allowInsecure: ['simandroid:adb_shell'], useDrivers: ['simandroid'], requireDrivers: ['simandroid'] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) expect(() => process.kill(server.pid, 0)).toThrow(); // no Appium process left
});

afterEach(async () => {
  for (const d of open.splice(0)) await d.deleteSession().catch(() => undefined);
});

async function session(caps: Record<string, unknown>): Promise<Browser> {
  const d = await openSession(server, { udid: newUdid('t'), ...caps });
  open.push(d);
  return d;
}

/** A session with a fixture app installed and launched, data kept across sessions. */
async function appSession(apk: string, extra: Record<string, unknown> = {}): Promise<Browser> {
  return await session({ app: apk, noReset: true, ...extra });
}

/** `find -exec stat -exec sha256sum` in one round trip, parsed: path -> { mode, size, sha256 }. */
async function listFiles(d: Browser, pkg: string, via: 'run-as' | 'root' = 'run-as'): Promise<Map<string, { mode: string; size: number; sha256: string }>> {
  const cmd = via === 'run-as' ? `run-as ${pkg} find . -type f` : `find /data/data/${pkg} -type f`;
  const out = await shell(d, `${cmd} -exec stat -c '%a %s %n' {} + -exec sha256sum {} +`);
  const files = new Map<string, { mode: string; size: number; sha256: string }>();
  for (const line of out.split('\n').filter(Boolean)) {
    const st = /^(\d{3,4}) (\d+) (.+)$/.exec(line);
    const sh = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (sh) files.get(sh[2]!)!.sha256 = sh[1]!;
    else if (st) files.set(st[3]!, { mode: st[1]!, size: Number(st[2]), sha256: '' });
  }
  return files;
}

function readerReason(bytes: Uint8Array, file: string): string {
  try {
    loadApp(bytes, file);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${file} unexpectedly loads`);
}

describe('installing APKs (read with sessionscope\'s APK reader)', () => {
  it("installs each fixture APK through 'appium:app' and through mobile: installApp", async () => {
    const d = await appSession(APKS.insecure);
    expect(await d.queryAppState(INSECURE)).toBe(4);
    expect(await d.getCurrentPackage()).toBe(INSECURE);
    expect(await d.getCurrentActivity()).toBe('.LoginActivity');
    await d.execute('mobile: installApp', { appPath: APKS.secure });
    expect(await d.queryAppState(SECURE)).toBe(1);
    expect(await d.execute('mobile: isAppInstalled', { appId: SECURE })).toBe(true);
    expect(await shell(d, 'pm list packages -3')).toBe(`package:${INSECURE}\npackage:${SECURE}\n`);
    // What the device knows about each app comes from the APK's manifest.
    expect(await shell(d, `dumpsys package ${INSECURE}`)).toMatch(/flags=\[ HAS_CODE ALLOW_CLEAR_USER_DATA DEBUGGABLE ALLOW_BACKUP \]/);
    expect(await shell(d, `dumpsys package ${SECURE}`)).toMatch(/flags=\[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP \]/);
    expect(await shell(d, `dumpsys package ${SECURE}`)).toContain(`apkSha256=${createHash('sha256').update(readFileSync(APKS.secure)).digest('hex')}`);
    // The classic route (POST /appium/device/install_app) too.
    await d.removeApp(SECURE);
    await d.installApp(APKS.secure);
    expect(await d.isAppInstalled(SECURE)).toBe(true);
  });

  it('refuses a text file and a truncated APK with INSTALL_FAILED_INVALID_APK and the reader\'s reason', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sim-driver-apk-'));
    const text = path.join(dir, 'not-an-apk.apk');
    writeFileSync(text, 'this is a text file, not an APK\n');
    const truncated = path.join(dir, 'truncated.apk');
    writeFileSync(truncated, readFileSync(APKS.insecure).subarray(0, 6000));
    const d = await session({});
    for (const f of [text, truncated]) {
      const msg = await failure(d.execute('mobile: installApp', { appPath: f }));
      expect(msg).toContain('INSTALL_FAILED_INVALID_APK');
      expect(msg).toContain(readerReason(readFileSync(f), f));
    }
    expect(readerReason(readFileSync(text), text)).toMatch(/not a ZIP archive/);
    expect(readerReason(readFileSync(truncated), truncated)).toMatch(/end of central directory/);
    expect(await shell(d, 'pm list packages -3')).toBe('');
    // At session start the session is refused.
    const msg = await failure(openSession(server, { udid: newUdid('bad'), app: truncated }));
    expect(msg).toContain('INSTALL_FAILED_INVALID_APK');
    expect(await failure(d.execute('mobile: installApp', { appPath: path.join(dir, 'missing.apk') }))).toContain('does not exist or is not accessible');
  });

  it('default capabilities clear the app data at session start (pm clear), as UiAutomator2 does', async () => {
    const udid = newUdid('reset');
    const a = await openSession(server, { udid, app: APKS.insecure, noReset: true });
    await login(a, 'alice', 'pw-1');
    expect(await screen(a)).toBe('invoices');
    await a.deleteSession();
    const kept = await openSession(server, { udid, app: APKS.insecure, noReset: true });
    expect(await screen(kept)).toBe('invoices'); // noReset: the data stays, the app logs straight in
    await kept.deleteSession();
    const b = await openSession(server, { udid, app: APKS.insecure });
    open.push(b);
    expect(await screen(b)).toBe('login');
    expect(await shell(b, `run-as ${INSECURE} find . -type f`)).toBe('');
  });
});

describe('insecure-invoice (every flaw)', () => {
  it('logs in through the real selectors and writes session.xml with the token, the typed password and the user', async () => {
    const d = await appSession(APKS.insecure);
    await d.$('id=com.example.insecureinvoice:id/username').setValue('alice');
    await d.$('~password').setValue('s3cret pw');
    expect(await d.$('~password').getText()).toBe('\u2022'.repeat(9)); // a password field shows bullets
    await d.$('//*[@text="Log in"]').click();
    expect(await d.$('android=new UiSelector().text("Log out")').isExisting()).toBe(true);
    expect(await d.getCurrentActivity()).toBe('.InvoicesActivity');

    const files = await listFiles(d, INSECURE);
    expect([...files.keys()]).toEqual(['./shared_prefs/session.xml']);
    const meta = files.get('./shared_prefs/session.xml')!;
    expect(meta.mode).toBe('660');
    const b64 = await shell(d, `run-as ${INSECURE} base64 -w 0 shared_prefs/session.xml`);
    const bytes = Buffer.from(b64, 'base64');
    expect(bytes.length).toBe(meta.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(meta.sha256);
    const xml = bytes.toString('utf8');
    expect(xml).toMatch(/^<\?xml version='1.0' encoding='utf-8' standalone='yes' \?>\n<map>\n/);
    expect(prefValue(xml, 'password')).toBe('s3cret pw');
    expect(prefValue(xml, 'user')).toBe('alice');
    const token = prefValue(xml, 'auth_token')!;
    expect(token).toMatch(/^eyJhbGciOiJIUzI1NiJ9\.[\w-]+\.[\w-]+$/);
    const p = jwtPayload(token);
    expect(p.sub).toBe('alice');
    expect(p.exp - p.iat).toBe(31536000); // long-lived
    expect(Math.abs(p.iat - Date.now() / 1000)).toBeLessThan(60);
  });

  it('keeps the session through logout: relaunch and Back show the invoices again', async () => {
    const d = await appSession(APKS.insecure);
    await login(d, 'alice', 'pw-1');
    const before = (await listFiles(d, INSECURE)).get('./shared_prefs/session.xml')!.sha256;
    await logout(d);
    expect(await screen(d)).toBe('login');
    expect((await listFiles(d, INSECURE)).get('./shared_prefs/session.xml')!.sha256).toBe(before);
    await d.back();
    expect(await screen(d)).toBe('invoices'); // the back stack still holds the post-login screen
    await logout(d);
    await relaunch(d, INSECURE);
    expect(await d.queryAppState(INSECURE)).toBe(4);
    expect(await screen(d)).toBe('invoices'); // ghost login
  });

  it('restores the session from a backup after uninstall and reinstall; keepData keeps it', async () => {
    const d = await appSession(APKS.insecure);
    await login(d, 'alice', 'pw-1');
    const session = await readAsRoot(d, INSECURE, 'shared_prefs/session.xml');
    expect(await shell(d, 'bmgr enabled')).toBe('Backup Manager currently enabled\n');
    expect(await shell(d, 'bmgr list transports')).toBe('  * com.android.localtransport/.LocalTransport\n');
    expect(await shell(d, `bmgr backupnow ${INSECURE}`)).toBe(
      `Running incremental backup for 1 requested packages.\nPackage @pm@ with result: Success\nPackage ${INSECURE} with result: Success\nBackup finished with result: Success\n`,
    );
    expect(await d.execute('mobile: removeApp', { appId: INSECURE })).toBe(true);
    expect(await d.queryAppState(INSECURE)).toBe(0);
    expect(await shell(d, `ls /data/data/${INSECURE} 2>&1 || true`)).toContain('No such file or directory');
    await d.execute('mobile: installApp', { appPath: APKS.insecure });
    expect(await readAsRoot(d, INSECURE, 'shared_prefs/session.xml')).toEqual(session);
    await d.execute('mobile: activateApp', { appId: INSECURE });
    expect(await screen(d)).toBe('invoices');

    // keepData (adb uninstall -k) is an update: the sandbox stays, whatever the backup holds.
    await shell(d, `bmgr wipe ${'com.android.localtransport/.LocalTransport'} ${INSECURE}`);
    await d.execute('mobile: removeApp', { appId: INSECURE, keepData: true });
    await d.execute('mobile: installApp', { appPath: APKS.insecure });
    expect(await readAsRoot(d, INSECURE, 'shared_prefs/session.xml')).toEqual(session);
    // Without keepData and without a backup, nothing comes back.
    await d.execute('mobile: removeApp', { appId: INSECURE });
    await d.execute('mobile: installApp', { appPath: APKS.insecure });
    expect(await readAsRoot(d, INSECURE, 'shared_prefs/session.xml')).toBeNull();
  });

  it("pullFile('@pkg/…') returns the bytes and leaves the file at mode 777, as the real driver does", async () => {
    const d = await appSession(APKS.insecure);
    await login(d, 'alice', 'pw-1');
    const expected = await readAsRoot(d, INSECURE, 'shared_prefs/session.xml');
    expect(Buffer.from(await d.pullFile(`@${INSECURE}/shared_prefs/session.xml`), 'base64')).toEqual(expected);
    expect(await shell(d, `run-as ${INSECURE} stat -c %a shared_prefs/session.xml`)).toBe('777\n');
    expect(Buffer.from((await d.execute('mobile: pullFile', { remotePath: `/data/data/${INSECURE}/shared_prefs/session.xml` })) as unknown as string, 'base64')).toEqual(expected);
  });

  it('backgrounds, relaunches from the launcher icon, deletes files and clears data like the real driver', async () => {
    const d = await appSession(APKS.insecure);
    await login(d, 'alice', 'pw-1');
    await d.execute('mobile: backgroundApp', { seconds: -1 });
    expect(await d.queryAppState(INSECURE)).toBe(3);
    expect(await d.getCurrentPackage()).toBe('com.google.android.apps.nexuslauncher');
    expect(await d.getCurrentActivity()).toBe('.NexusLauncherActivity');
    await d.$('~Insecure Invoice').click(); // the home screen icon brings the task back
    expect(await screen(d)).toBe('invoices');
    const remotePath = `@${INSECURE}/shared_prefs/session.xml`;
    expect(await d.execute('mobile: deleteFile', { remotePath })).toBe(true);
    expect(await d.execute('mobile: deleteFile', { remotePath })).toBe(false);
    await d.execute('mobile: clearApp', { appId: INSECURE });
    expect(await d.queryAppState(INSECURE)).toBe(1);
    expect(await d.execute('mobile: getDeviceTime', {})).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(await d.execute('mobile: getDeviceTime', { format: 'X' })).toBe((await shell(d, 'date +%s')).trim());
  });

  it('starts the exported InvoicesActivity directly, without a session', async () => {
    const d = await appSession(APKS.insecure, { simulation: { device: { root: false } } });
    const out = (await d.execute('mobile: startActivity', { component: `${INSECURE}/.InvoicesActivity` })) as unknown as string;
    expect(out).toContain(`Starting: Intent { cmp=${INSECURE}/.InvoicesActivity }`);
    expect(await screen(d)).toBe('invoices');
  });
});

describe('secure-invoice (the fixed twin)', () => {
  it('stores only the encrypted token (auth_token_enc, auth_token_iv) and no password', async () => {
    const d = await appSession(APKS.secure);
    await login(d, 'alice', 'pw-1');
    expect(await screen(d)).toBe('invoices');
    const files = await listFiles(d, SECURE, 'root');
    expect([...files.keys()]).toEqual([`/data/data/${SECURE}/shared_prefs/session.xml`]);
    const xml = (await readAsRoot(d, SECURE, 'shared_prefs/session.xml'))!.toString('utf8');
    const enc = Buffer.from(prefValue(xml, 'auth_token_enc')!, 'base64');
    const iv = Buffer.from(prefValue(xml, 'auth_token_iv')!, 'base64');
    expect(iv.length).toBe(12);
    expect(enc.length).toBeGreaterThan(100); // the JWT plus the GCM tag
    expect(xml).not.toContain('eyJ');
    expect(xml).not.toContain('pw-1');
    expect(prefValue(xml, 'password')).toBeNull();
    // The session is kept (encrypted) across a cold relaunch.
    await relaunch(d, SECURE);
    expect(await screen(d)).toBe('invoices');
  });

  it('clears the prefs at logout; relaunch shows login and Back stays on login', async () => {
    const d = await appSession(APKS.secure);
    await login(d, 'alice', 'pw-1');
    await logout(d);
    expect(await screen(d)).toBe('login');
    expect((await readAsRoot(d, SECURE, 'shared_prefs/session.xml'))!.toString('utf8')).toBe("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map />\n");
    await d.execute('mobile: pressKey', { keycode: 4 }); // Back
    expect(await screen(d)).toBe('login');
    await relaunch(d, SECURE);
    expect(await screen(d)).toBe('login');
  });

  it("backup leaves session.xml out, per the APK's own data extraction rules", async () => {
    const d = await appSession(APKS.secure);
    await login(d, 'alice', 'pw-1');
    expect(await shell(d, `bmgr backupnow ${SECURE}`)).toContain(`Package ${SECURE} with result: Success`);
    await d.execute('mobile: removeApp', { appId: SECURE });
    await d.execute('mobile: installApp', { appPath: APKS.secure });
    expect(await shell(d, `find /data/data/${SECURE} -type f`)).toBe('');
    await d.execute('mobile: activateApp', { appId: SECURE });
    expect(await screen(d)).toBe('login');
  });

  it('gives a new token at every login; the old one is refused when replayed', async () => {
    const d = await appSession(APKS.secure);
    await login(d, 'alice', 'pw-1');
    const first = (await readAsRoot(d, SECURE, 'shared_prefs/session.xml'))!;
    await logout(d);
    await login(d, 'alice', 'pw-1');
    const second = (await readAsRoot(d, SECURE, 'shared_prefs/session.xml'))!;
    expect(prefValue(second.toString(), 'auth_token_enc')).not.toBe(prefValue(first.toString(), 'auth_token_enc'));
    // Put the first login's file back (as root) and relaunch: the backend no longer accepts it.
    await d.pushFile(`/data/data/${SECURE}/shared_prefs/session.xml`, first.toString('base64'));
    await relaunch(d, SECURE);
    expect(await screen(d)).toBe('login');
  });

  it('refuses to start the non-exported InvoicesActivity from the shell user', async () => {
    const d = await appSession(APKS.secure, { simulation: { device: { root: false } } });
    const msg = await failure(d.execute('mobile: startActivity', { component: `${SECURE}/.InvoicesActivity` }));
    expect(msg).toContain('java.lang.SecurityException: Permission Denial');
    expect(msg).toContain('not exported from uid');
    expect(await screen(d)).toBe('login');
  });
});

// ------------------------------------------------------------------------------------------
// Flaw and fix switches. Each row: the app where the switch changes something, the direction,
// a probe, and the probe's value without and with the switch. Besides, what login writes
// (password, file mode, shared storage, keys) must change only where the switch says so.

interface Writes {
  password: boolean;
  mode: string;
  external: boolean;
  keys: string[];
}

/** One probe run: a session on a fresh device; `login()` also records what the first login wrote. */
interface Run {
  d: Browser;
  pkg: string;
  writes: Writes | null;
  login(): Promise<void>;
}

type Probe = (r: Run) => Promise<unknown>;

async function snapshotWrites(d: Browser, pkg: string): Promise<Writes> {
  const xml = (await readAsRoot(d, pkg, 'shared_prefs/session.xml'))?.toString('utf8') ?? '';
  return {
    password: xml.includes('pw-1'),
    mode: (await shell(d, `stat -c %a /data/data/${pkg}/shared_prefs/session.xml`)).trim(),
    external: (await shell(d, 'ls /sdcard/Download')).trim() !== '',
    keys: [...xml.matchAll(/name="([^"]+)"/g)].map((m) => m[1]!),
  };
}

const sessionXml = async (r: Run): Promise<Buffer> => (await readAsRoot(r.d, r.pkg, 'shared_prefs/session.xml'))!;

const probes: Record<string, Probe> = {
  tokenLeftAfterLogout: async (r) => {
    await r.login();
    await logout(r.d);
    return /auth_token/.test((await sessionXml(r)).toString());
  },
  sameTokenTwice: async (r) => {
    await r.login();
    const first = prefValue((await sessionXml(r)).toString(), 'auth_token');
    await logout(r.d);
    await r.login();
    return prefValue((await sessionXml(r)).toString(), 'auth_token') === first;
  },
  firstTokenWorksAfterRelogin: async (r) => {
    await r.login();
    const first = await sessionXml(r);
    await logout(r.d);
    await r.login();
    await r.d.pushFile(`/data/data/${r.pkg}/shared_prefs/session.xml`, first.toString('base64'));
    await relaunch(r.d, r.pkg);
    return await screen(r.d);
  },
  screenAfterReinstall: async (r) => {
    await r.login();
    await shell(r.d, `bmgr backupnow ${r.pkg}`);
    await r.d.execute('mobile: removeApp', { appId: r.pkg });
    await r.d.execute('mobile: installApp', { appPath: r.pkg === INSECURE ? APKS.insecure : APKS.secure });
    await r.d.execute('mobile: activateApp', { appId: r.pkg });
    return await screen(r.d);
  },
  backAfterLogout: async (r) => {
    await r.login();
    await logout(r.d);
    await r.d.back();
    return await screen(r.d);
  },
  relaunchAfterLogout: async (r) => {
    await r.login();
    await logout(r.d);
    await relaunch(r.d, r.pkg);
    return await screen(r.d);
  },
  tokenOnSharedStorage: async (r) => {
    await r.login();
    const listed = (await shell(r.d, 'ls /sdcard/Download')).trim();
    await r.d.execute('mobile: removeApp', { appId: r.pkg });
    return listed !== '' && /^eyJ/.test(await shell(r.d, `cat /sdcard/Download/${listed}`)); // survives uninstall
  },
  tokenLifetime: async (r) => {
    await r.login();
    const p = jwtPayload(prefValue((await sessionXml(r)).toString(), 'auth_token')!);
    return p.exp - p.iat;
  },
  relaunchTwoHoursLater: async (r) => {
    await r.login();
    const now = Number(await shell(r.d, 'date +%s'));
    await shell(r.d, `su 0 date @${now + 7200}`);
    await relaunch(r.d, r.pkg);
    return await screen(r.d);
  },
  passwordStored: async (r) => {
    await r.login();
    return r.writes!.password;
  },
  prefsMode: async (r) => {
    await r.login();
    return r.writes!.mode;
  },
  replayAfterLogout: async (r) => {
    await r.login();
    const saved = await sessionXml(r);
    await logout(r.d);
    await r.d.pushFile(`/data/data/${r.pkg}/shared_prefs/session.xml`, saved.toString('base64'));
    await relaunch(r.d, r.pkg);
    return await screen(r.d);
  },
};

interface Row {
  sw: string;
  app: 'insecure' | 'secure';
  as: 'flaw' | 'fix';
  probe: keyof typeof probes;
  without: unknown;
  with: unknown;
  /** Fields of what login writes that the switch changes. */
  writes?: (keyof Writes)[];
}

const TABLE: Row[] = [
  { sw: 'logout-leaves-token', app: 'secure', as: 'flaw', probe: 'tokenLeftAfterLogout', without: false, with: true },
  { sw: 'logout-leaves-token', app: 'insecure', as: 'fix', probe: 'tokenLeftAfterLogout', without: true, with: false },
  { sw: 'token-not-rotated', app: 'insecure', as: 'flaw', probe: 'sameTokenTwice', without: false, with: true },
  { sw: 'token-not-rotated', app: 'secure', as: 'flaw', probe: 'firstTokenWorksAfterRelogin', without: 'login', with: 'invoices' },
  { sw: 'token-not-rotated', app: 'insecure', as: 'fix', probe: 'sameTokenTwice', without: false, with: false },
  { sw: 'backup-restores-session', app: 'secure', as: 'flaw', probe: 'screenAfterReinstall', without: 'login', with: 'invoices' },
  { sw: 'backup-restores-session', app: 'insecure', as: 'fix', probe: 'screenAfterReinstall', without: 'invoices', with: 'login' },
  { sw: 'back-stack-shows-invoices', app: 'secure', as: 'flaw', probe: 'backAfterLogout', without: 'login', with: 'invoices' },
  { sw: 'back-stack-shows-invoices', app: 'insecure', as: 'fix', probe: 'backAfterLogout', without: 'invoices', with: 'login' },
  { sw: 'relaunch-stays-logged-in', app: 'secure', as: 'flaw', probe: 'relaunchAfterLogout', without: 'login', with: 'invoices' },
  { sw: 'relaunch-stays-logged-in', app: 'insecure', as: 'fix', probe: 'relaunchAfterLogout', without: 'invoices', with: 'login' },
  { sw: 'token-on-external-storage', app: 'insecure', as: 'flaw', probe: 'tokenOnSharedStorage', without: false, with: true, writes: ['external'] },
  { sw: 'token-on-external-storage', app: 'insecure', as: 'fix', probe: 'tokenOnSharedStorage', without: false, with: false },
  { sw: 'long-lived-token', app: 'insecure', as: 'fix', probe: 'tokenLifetime', without: 31536000, with: 900 },
  { sw: 'long-lived-token', app: 'secure', as: 'flaw', probe: 'relaunchTwoHoursLater', without: 'login', with: 'invoices' },
  { sw: 'plaintext-password', app: 'secure', as: 'flaw', probe: 'passwordStored', without: false, with: true, writes: ['password', 'keys'] },
  { sw: 'plaintext-password', app: 'insecure', as: 'fix', probe: 'passwordStored', without: true, with: false, writes: ['password', 'keys'] },
  { sw: 'world-readable-prefs', app: 'secure', as: 'flaw', probe: 'prefsMode', without: '660', with: '664', writes: ['mode'] },
  { sw: 'world-readable-prefs', app: 'insecure', as: 'fix', probe: 'prefsMode', without: '660', with: '660' },
  { sw: 'server-accepts-old-token', app: 'secure', as: 'flaw', probe: 'replayAfterLogout', without: 'login', with: 'invoices' },
  { sw: 'server-accepts-old-token', app: 'insecure', as: 'fix', probe: 'relaunchAfterLogout', without: 'invoices', with: 'login' },
];

describe('flaw and fix switches', () => {
  const run = async (row: Row, switched: boolean): Promise<{ value: unknown; writes: Writes }> => {
    const simulation = switched ? { [row.as === 'flaw' ? 'flaws' : 'fixes']: [row.sw] } : {};
    const d = await session({ app: APKS[row.app], noReset: true, simulation });
    const r: Run = {
      d,
      pkg: row.app === 'insecure' ? INSECURE : SECURE,
      writes: null,
      async login() {
        await login(d, 'alice', 'pw-1');
        r.writes ??= await snapshotWrites(d, r.pkg);
      },
    };
    const value = await probes[row.probe]!(r);
    return { value, writes: r.writes! };
  };

  it.each(TABLE)('$sw as a $as on $app-invoice changes $probe from $without to $with', async (row) => {
    const base = await run(row, false);
    const switched = await run(row, true);
    expect(base.value).toEqual(row.without);
    expect(switched.value).toEqual(row.with);
    // What login writes changes only where the switch says so.
    for (const k of ['password', 'mode', 'external', 'keys'] as const) {
      if (row.writes?.includes(k)) expect(switched.writes[k], k).not.toEqual(base.writes[k]);
      else expect(switched.writes[k], k).toEqual(base.writes[k]);
    }
  });

  it('every switch in SPEC.md has a row', () => {
    const spec = readFileSync(path.join(ROOT, 'test/sim-driver/SPEC.md'), 'utf8');
    const listed = /Flaw switches \(`flaws`\)[\s\S]*?`server-accepts-old-token`/.exec(spec)![0].match(/`([a-z]+(?:-[a-z]+)+)`/g)!.map((s) => s.slice(1, -1));
    expect(new Set(TABLE.map((r) => r.sw))).toEqual(new Set(listed));
  });

  it('refuses unknown switches and a switch that is both a flaw and a fix', async () => {
    expect(await failure(openSession(server, { udid: newUdid('bad'), simulation: { flaws: ['no-such-flaw'] } }))).toContain("unknown switch 'no-such-flaw'");
    expect(await failure(openSession(server, { udid: newUdid('bad'), simulation: { flaws: ['long-lived-token'], fixes: ['long-lived-token'] } }))).toContain('both a flaw and a fix');
    expect(await failure(openSession(server, { udid: newUdid('bad'), simulation: { devices: {} } }))).toContain("unknown key 'devices'");
  });
});

describe('access paths', () => {
  it('without root, run-as fails for a non-debuggable app and pullFile of /data/data is refused', async () => {
    const d = await appSession(APKS.secure, { simulation: { device: { root: false } } });
    await login(d, 'alice', 'pw-1');
    expect(await shell(d, 'id')).toMatch(/^uid=2000\(shell\) gid=2000\(shell\)/);
    expect(await shell(d, 'getprop ro.debuggable')).toBe('0\n');
    const runAs = await failure(shell(d, `run-as ${SECURE} find . -type f`));
    expect(runAs).toContain(`run-as: package not debuggable: ${SECURE}`);
    expect(runAs).toContain(`Cannot execute the 'run-as ${SECURE} find . -type f' shell command`);
    expect(await failure(d.pullFile(`/data/data/${SECURE}/shared_prefs/session.xml`))).toContain('Permission denied');
    expect(await failure(d.pullFile(`@${SECURE}/shared_prefs/session.xml`))).toContain(
      `Cannot access the container of '${SECURE}' application. Is the application installed and has 'debuggable' build option set to true?`,
    );
    expect(await failure(shell(d, `ls /data/data/${SECURE}`))).toContain('Permission denied');
    expect(await failure(shell(d, 'su 0 id'))).toContain('su: inaccessible or not found');
    // With root (the default) the same file is readable.
    expect(await shell(d, 'ls /sdcard')).toContain('Download');
  });

  it('with root, every sandbox is readable and su works', async () => {
    const d = await appSession(APKS.secure);
    expect(await shell(d, 'id')).toMatch(/^uid=0\(root\)/);
    expect(await shell(d, 'su 0 sh -c "id; getprop ro.build.version.sdk && echo ok"')).toMatch(/^uid=0\(root\).*\n34\nok\n$/);
    expect(await shell(d, `ls -la /data/data/${SECURE}`)).toMatch(/^total \d+\ndrwx------ 2 u0_a\d+ u0_a\d+ 4096 \S+ \S+ \.\n/);
  });

  it('accounts, SQLite databases and files from a behaviour file given in the capabilities', async () => {
    const behaviour = path.join(ROOT, 'test/sim-driver/testdata/com.example.multidex.json');
    const d = await session({ app: APKS.multidex, noReset: true, simulation: { behaviours: [behaviour] } });
    await d.$('id=user').setValue('bob');
    await d.$('id=pass').setValue('pw-2');
    await d.$('id=login').click();
    expect(await d.$('android=new UiSelector().textContains("Signed in")').isExisting()).toBe(true);
    expect(await shell(d, 'dumpsys account')).toContain('Account {name=bob, type=com.example.multidex.account}');
    const SQL = await initSqlJs();
    const db = new SQL.Database(Buffer.from(await d.pullFile('/data/data/com.example.multidex/databases/auth.db'), 'base64'));
    const rows = db.exec('SELECT user, token FROM session')[0]!.values;
    expect(rows[0]![0]).toBe('bob');
    expect(String(rows[0]![1])).toMatch(/^eyJ/);
    expect(await shell(d, 'cat /data/data/com.example.multidex/files/token.txt')).toMatch(/^eyJ/);
    await d.execute('mobile: removeApp', { appId: 'com.example.multidex' });
    expect(await shell(d, 'dumpsys account')).toContain('Accounts: 0');
  });
});

describe('faults', () => {
  it('crashOn: the app dies at that step and the launcher is shown', async () => {
    const d = await appSession(APKS.insecure, { simulation: { crashOn: 'login' } });
    await login(d, 'alice', 'pw-1');
    expect(await d.queryAppState(INSECURE)).toBe(1);
    expect(await d.getCurrentPackage()).toBe('com.google.android.apps.nexuslauncher');
    expect(await shell(d, `run-as ${INSECURE} find . -type f`)).toBe(''); // it died before writing
    const e = await appSession(APKS.insecure, { simulation: { crashOn: 'launch' } });
    expect(await e.queryAppState(INSECURE)).toBe(1);
    await e.execute('mobile: activateApp', { appId: INSECURE });
    expect(await e.queryAppState(INSECURE)).toBe(1);
  });

  it('disconnectAfter: every later command fails as with a lost device', async () => {
    const udid = newUdid('lost');
    const d = await openSession(server, { udid, app: APKS.insecure, noReset: true, simulation: { disconnectAfter: 2 } });
    open.push(d);
    expect(await d.queryAppState(INSECURE)).toBe(4);
    await d.getPageSource();
    const msg = await failure(d.queryAppState(INSECURE));
    expect(msg).toContain('An unknown server-side error occurred');
    expect(msg).toContain(`device '${udid}' not found`);
    expect(await failure(d.getPageSource())).toContain(`device '${udid}' not found`);
    await d.deleteSession(); // ending the session still works
    open.splice(open.indexOf(d), 1);
  });
});

describe('screen', () => {
  it('page source is UiAutomator2-shaped XML', async () => {
    const d = await appSession(APKS.insecure);
    await d.$('id=username').setValue('alice');
    const src = await d.getPageSource();
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(src) as Record<string, unknown>;
    expect(doc.hierarchy).toBeDefined();
    const edits = [...src.matchAll(/<android\.widget\.EditText ([^>]*)\/>/g)].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
    expect(edits).toHaveLength(2);
    expect(edits[0]).toMatchObject({ 'resource-id': `${INSECURE}:id/username`, text: 'alice', 'content-desc': 'username', password: 'false', class: 'android.widget.EditText' });
    expect(edits[1]).toMatchObject({ 'resource-id': `${INSECURE}:id/password`, text: 'Password', 'content-desc': 'password', password: 'true', hint: 'Password' });
    expect(edits[0]!.bounds).toMatch(/^\[\d+,\d+\]\[\d+,\d+\]$/);
    const found = await d.$$('//android.widget.EditText[contains(@resource-id,"pass")]');
    expect(found).toHaveLength(1);
    expect(await d.$('(//android.widget.EditText)[2]').getAttribute('content-desc')).toBe('password');
    expect(await d.$('android=new UiSelector().className("android.widget.Button").description("login")').getText()).toBe('Log in');
    // Gestures: nothing scrolls; a tap at a point hits the element there.
    const button = d.$('id=login');
    expect(await d.execute('mobile: scrollGesture', { elementId: await button.elementId, direction: 'down', percent: 0.75 })).toBe(false);
    await d.$('id=password').setValue('pw-1');
    const { x, y } = await button.getLocation();
    await d.execute('mobile: clickGesture', { x: x + 10, y: y + 10 });
    expect(await screen(d)).toBe('invoices');
  });

  it('takeScreenshot returns a PNG that draws the screen', async () => {
    const d = await appSession(APKS.insecure);
    await login(d, 'alice', 'pw-1');
    const png = Buffer.from(await d.takeScreenshot(), 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect([w, h]).toEqual([1080, 1920]);
    // The image data inflates to one filter byte plus RGB per row.
    let off = 33;
    const idat: Buffer[] = [];
    while (off < png.length) {
      const len = png.readUInt32BE(off);
      if (png.subarray(off + 4, off + 8).toString('latin1') === 'IDAT') idat.push(png.subarray(off + 8, off + 8 + len));
      off += 12 + len;
    }
    expect(inflateSync(Buffer.concat(idat)).length).toBe(h * (1 + w * 3));
    const dir = path.join(tmpdir(), 'sessionscope-sim-screenshots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'insecure-invoices.png'), png);
    await logout(d);
    const loginPng = Buffer.from(await d.takeScreenshot(), 'base64');
    writeFileSync(path.join(dir, 'insecure-login.png'), loginPng);
    expect(loginPng.equals(png)).toBe(false);
  });
});
