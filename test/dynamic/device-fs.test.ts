import { describe, expect, it } from 'vitest';
import { changedFiles, DeviceFs, parseAccounts, parseListing, shq } from '../../dynamic/device-fs.js';
import { RecordedDevice, prefs } from './recorded.js';

const PKG = 'com.example.insecureinvoice';

describe('shell quoting and listing', () => {
  it('quotes only what needs it, and quotes quotes', () => {
    expect(shq('/data/data/com.x/shared_prefs/a.xml')).toBe('/data/data/com.x/shared_prefs/a.xml');
    expect(shq("my file's.db")).toBe(`'my file'\\''s.db'`);
  });

  it('pairs stat and sha256sum lines by name, relative to the data directory', () => {
    const out = [
      `660 120 /data/data/${PKG}/shared_prefs/session.xml`,
      `600 4096 /data/data/${PKG}/databases/app db.db`,
      `${'a'.repeat(64)}  /data/data/${PKG}/shared_prefs/session.xml`,
      `${'b'.repeat(64)}  /data/data/${PKG}/databases/app db.db`,
      'find: /data/data/x/cache: Permission denied',
    ].join('\r\n');
    expect(parseListing(out, 'data', `/data/data/${PKG}`)).toEqual([
      { path: 'databases/app db.db', area: 'data', size: 4096, mode: 0o600, sha256: 'b'.repeat(64) },
      { path: 'shared_prefs/session.xml', area: 'data', size: 120, mode: 0o660, sha256: 'a'.repeat(64) },
    ]);
    expect(parseListing(`644 3 ./files/a\n${'c'.repeat(64)}  ./files/a`, 'data', null)[0]!.path).toBe('files/a');
    expect(parseListing(`660 3 /sdcard//Download/t.txt\n${'d'.repeat(64)}  /sdcard//Download/t.txt`, 'shared', null)[0]!.path).toBe('/sdcard/Download/t.txt');
  });

  it('reads AccountManager accounts from dumpsys account', () => {
    expect(parseAccounts('  Accounts: 2\n    Account {name=alice@example.com, type=com.example.auth}\n    Account {name=bob, type=com.google}\n')).toEqual([
      { name: 'alice@example.com', type: 'com.example.auth' },
      { name: 'bob', type: 'com.google' },
    ]);
  });

  it('changedFiles compares by path and content', () => {
    const a = { path: 'x', area: 'data' as const, size: 1, mode: 0o660, sha256: '1' };
    expect(changedFiles([a], [{ ...a, sha256: '2' }, { ...a, path: 'y' }, a])).toHaveLength(2);
  });
});

describe('access, in the order root → su → run-as → pullFile → none', () => {
  it('root: one shell round-trip lists the data directory, base64 reads a file', async () => {
    const d = new RecordedDevice(PKG, { root: true });
    d.put('shared_prefs/session.xml', prefs({ auth_token: 'abc' }));
    d.put('/sdcard/Download/notes.txt', 'hello');
    const fs = new DeviceFs(d, PKG, { debuggable: true });
    expect(await fs.detect()).toBe('root');
    d.commands.length = 0;
    const snap = await fs.snapshot();
    expect(d.commands).toEqual([
      `find /data/data/${PKG} -type f -exec stat -c '%a %s %n' {} + -exec sha256sum {} +`,
      "find /sdcard/ -type f -exec stat -c '%a %s %n' {} + -exec sha256sum {} +",
    ]);
    expect(snap).toMatchObject({ access: 'root', complete: true, files: [{ path: 'shared_prefs/session.xml', mode: 0o660 }], shared: [{ path: '/sdcard/Download/notes.txt' }] });
    expect((await fs.read(snap.files[0]!)).toString()).toContain('auth_token');
    expect(d.commands.at(-1)).toBe(`base64 -w 0 /data/data/${PKG}/shared_prefs/session.xml`);
    // cached by content hash: no second read
    await fs.read(snap.files[0]!);
    expect(d.commands.filter((c) => c.startsWith('base64'))).toHaveLength(1);
  });

  it('su when adbd is not root', async () => {
    const d = new RecordedDevice(PKG, { root: false, su: true });
    d.put('files/a.txt', 'x');
    const fs = new DeviceFs(d, PKG, { debuggable: false });
    expect(await fs.detect()).toBe('su');
    const snap = await fs.snapshot();
    expect(snap.files.map((f) => f.path)).toEqual(['files/a.txt']);
    expect(d.commands).toContain(`su 0 find /data/data/${PKG} -type f -exec stat -c '%a %s %n' {} + -exec sha256sum {} +`);
  });

  it('run-as for a debuggable app without root', async () => {
    const d = new RecordedDevice(PKG, { root: false, debuggable: true });
    d.put('shared_prefs/session.xml', prefs({ auth_token: 'abc' }));
    const fs = new DeviceFs(d, PKG, { debuggable: true });
    expect(await fs.detect()).toBe('run-as');
    const snap = await fs.snapshot();
    expect(snap).toMatchObject({ access: 'run-as', complete: true, files: [{ path: 'shared_prefs/session.xml' }] });
    await fs.read(snap.files[0]!);
    expect(d.commands.at(-1)).toBe(`run-as ${PKG} base64 -w 0 shared_prefs/session.xml`);
    expect(fs.pulled.size).toBe(0);
  });

  it('pullFile only without adb_shell: reads candidates, records the chmod 777, never complete', async () => {
    const d = new RecordedDevice(PKG, { adbShell: false, debuggable: true });
    d.put('shared_prefs/session.xml', prefs({ auth_token: 'abc' }), 0o660);
    const fs = new DeviceFs(d, PKG, { debuggable: true, candidates: ['shared_prefs/session.xml', 'databases/app.db'] });
    expect(await fs.detect()).toBe('pull-file');
    expect(fs.shellAllowed).toBe(false);
    const snap = await fs.snapshot();
    expect(snap).toMatchObject({ access: 'pull-file', complete: false, shared: null, files: [{ path: 'shared_prefs/session.xml', mode: null }] });
    expect([...fs.pulled]).toEqual(['shared_prefs/session.xml']);
    expect(d.files.get(`/data/data/${PKG}/shared_prefs/session.xml`)!.mode).toBe(0o777);
    expect(fs.notes.join(' ')).toMatch(/mode 777/);
    expect(await fs.accounts()).toBeNull();
  });

  it('none: no root, not debuggable', async () => {
    const d = new RecordedDevice(PKG, { root: false, debuggable: false });
    d.put('shared_prefs/session.xml', prefs({ auth_token: 'abc' }));
    d.put('/sdcard/Download/t.txt', 'shared');
    const fs = new DeviceFs(d, PKG, { debuggable: false });
    expect(await fs.detect()).toBe('none');
    const snap = await fs.snapshot();
    expect(snap).toMatchObject({ access: 'none', complete: false, files: [] });
    expect(snap.shared).toHaveLength(1); // shared storage needs no root
    expect(fs.notes.at(-1)).toMatch(/inconclusive/);
  });

  it('a lost device is not "no access": it propagates', async () => {
    const fs = new DeviceFs({ shell: async () => { const { DeviceError } = await import('../../dynamic/session.js'); throw new DeviceError('device-lost', 'gone'); }, pullFile: async () => Buffer.alloc(0) }, PKG, { debuggable: true });
    await expect(fs.detect()).rejects.toThrow('gone');
  });
});
