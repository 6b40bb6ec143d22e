import { describe, expect, it } from 'vitest';
import {
  applyWal,
  artifactsOf,
  classifyEntry,
  decodeJwt,
  loadSqlJs,
  parseFile,
  parsePrefs,
  parseSqlite,
  scanText,
  valueHashes,
  worldAccessible,
} from '../../dynamic/artifacts.js';
import { sha256 } from '../../dynamic/secrets.js';
import type { FileEntry } from '../../dynamic/device-fs.js';
import { buildWal, markWalMode } from './wal-builder.js';

function jwt(payload: object): string {
  const b = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'HS256', typ: 'JWT' })}.${b(payload)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
}

const TOKEN = jwt({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_000_000 + 30 * 86400 });
const PASSWORD = 'hunter2-Secret!';
const OPTS = { passwordHashes: new Set([sha256(PASSWORD)]) };

const PREFS = `<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <string name="auth_token">${TOKEN}</string>
    <string name="password">${PASSWORD}</string>
    <string name="user">alice@example.com</string>
    <string name="note">a &amp; b &lt;c&gt;</string>
    <int name="launches" value="3" />
    <boolean name="onboarded" value="true" />
    <set name="cookies">
        <string>SESSIONID=9f8e7d6c5b4a39281706f5e4d3c2b1a0</string>
    </set>
</map>
`;

const file = (path: string, mode: number | null = 0o660, area: FileEntry['area'] = 'data'): FileEntry => ({ path, area, size: 0, mode, sha256: 'x' });

describe('SharedPreferences', () => {
  it('reads strings, numbers, booleans and sets with their keys, unescaping XML', () => {
    const p = parsePrefs(PREFS);
    expect(p.format).toBe('prefs');
    expect(p.entries).toEqual(
      expect.arrayContaining([
        { key: 'auth_token', value: TOKEN, where: 'key auth_token' },
        { key: 'note', value: 'a & b <c>', where: 'key note' },
        { key: 'launches', value: '3', where: 'key launches' },
        { key: 'onboarded', value: 'true', where: 'key onboarded' },
        { key: 'cookies', value: 'SESSIONID=9f8e7d6c5b4a39281706f5e4d3c2b1a0', where: 'key cookies[0]' },
      ]),
    );
  });

  it('classifies the JWT (with exp/iat), the typed password (by hash) and leaves the user name alone', () => {
    const a = artifactsOf(file('shared_prefs/session.xml'), parsePrefs(PREFS), OPTS);
    const byKey = Object.fromEntries(a.map((x) => [x.key, x]));
    expect(byKey.auth_token).toMatchObject({ kind: 'jwt', plaintext: true, jwt: { iat: 1_700_000_000, exp: 1_700_000_000 + 30 * 86400 }, file: 'shared_prefs/session.xml', mode: 0o660 });
    expect(byKey.password).toMatchObject({ kind: 'password', plaintext: true, confidence: 'high' });
    expect(byKey.cookies).toMatchObject({ kind: 'session-id', plaintext: true });
    expect(byKey.user).toBeUndefined();
    expect(byKey.launches).toBeUndefined();
  });

  it('recognises EncryptedSharedPreferences by its keyset entries: every value is ciphertext', () => {
    const es = `<map>
  <string name="__androidx_security_crypto_encrypted_prefs_key_keyset__">12a901c3f1e2d3b4a5968778695a4b3c2d1e0f</string>
  <string name="__androidx_security_crypto_encrypted_prefs_value_keyset__">12a901c3f1e2d3b4a5968778695a4b3c2d1e0e</string>
  <string name="ARnFv2yJmdnT5dXcV5mBFYq6n2Uj">AUu0z1ZpO8W0m2mQ9Nf5Hn7Y3c9s+2Q6wL0VtqfRk4o=</string>
</map>`;
    const p = parsePrefs(es);
    expect(p.format).toBe('encrypted-prefs');
    const a = artifactsOf(file('shared_prefs/secret_prefs.xml'), p, OPTS);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ kind: 'encrypted', plaintext: false });
  });

  it('tells an encrypted token (key says enc/iv) from a plaintext one, and sees through base64 of a JWT', () => {
    const enc = classifyEntry({ key: 'auth_token_enc', value: 'q83vEjRWeJq8/u3c1e7/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw=', where: 'key auth_token_enc' }, OPTS);
    expect(enc).toMatchObject({ kind: 'encrypted', plaintext: false });
    const iv = classifyEntry({ key: 'auth_token_iv', value: 'AAECAwQFBgcICQoL', where: 'key auth_token_iv' }, OPTS);
    expect(iv).toMatchObject({ kind: 'encrypted' });
    const b64 = classifyEntry({ key: 'auth_token_enc', value: Buffer.from(TOKEN).toString('base64'), where: 'k' }, OPTS);
    expect(b64).toMatchObject({ kind: 'jwt', plaintext: true, jwt: { iat: 1_700_000_000 } });
    expect(classifyEntry({ key: 'session_token', value: '6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b', where: 'k' }, OPTS)).toMatchObject({ kind: 'opaque-token', plaintext: true });
    expect(classifyEntry({ key: 'Authorization', value: 'Bearer abcdefABCDEF0123456789xyz', where: 'k' }, OPTS)).toMatchObject({ kind: 'bearer' });
    expect(classifyEntry({ key: 'token_type', value: 'bearer-token-type-long', where: 'k' }, OPTS)).toBeNull();
    expect(classifyEntry({ key: 'theme', value: 'dark', where: 'k' }, OPTS)).toBeNull();
    expect(classifyEntry({ key: null, value: 'aZ3kP9qL2mX7vB4nR8tY1wE6uI0oS5dF', where: 'text' }, OPTS)).toMatchObject({ kind: 'opaque-token', confidence: 'medium' });
  });

  it('decodes JWT claims, and returns null for what is not one', () => {
    expect(decodeJwt(jwt({ exp: 5 }))).toEqual({ exp: 5, iat: null });
    expect(decodeJwt('not.a.jwt')).toBeNull();
  });
});

describe('SQLite with a write-ahead log', () => {
  async function images(): Promise<{ base: Uint8Array; next: Uint8Array }> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE session (id INTEGER PRIMARY KEY, access_token TEXT, refresh_token BLOB, user TEXT)');
    db.run("INSERT INTO session (access_token, user) VALUES ('old-opaque-token-0000000000000000', 'bob')");
    const base = db.export();
    db.run('INSERT INTO session (access_token, refresh_token, user) VALUES (?, ?, ?)', [TOKEN, new TextEncoder().encode('rt_8fJ2kL9qP4xZ7mN1vB6cR3tY0wE5uA'), 'alice']);
    // Enough rows to need new pages beyond the base image.
    for (let i = 0; i < 200; i++) db.run('INSERT INTO session (access_token, user) VALUES (?, ?)', [`filler-${i}-${'x'.repeat(40)}`, `u${i}`]);
    const next = db.export();
    db.close();
    return { base, next };
  }

  it('applies the committed frames: the rows that live only in the WAL are read', async () => {
    const { base, next } = await images();
    const wal = buildWal(base, next);
    const dbFile = markWalMode(base);
    const without = await parseSqlite(dbFile, null);
    expect(without.entries.map((e) => e.value)).not.toContain(TOKEN);
    const withWal = await parseSqlite(dbFile, wal);
    expect(withWal.warnings).toEqual([]);
    expect(withWal.entries).toContainEqual({ key: 'access_token', value: TOKEN, where: 'table session, column access_token, row 2' });
    expect(withWal.entries).toContainEqual({ key: 'refresh_token', value: 'rt_8fJ2kL9qP4xZ7mN1vB6cR3tY0wE5uA', where: 'table session, column refresh_token, row 2' });
    const a = artifactsOf(file('databases/app.db'), withWal, OPTS);
    expect(a.find((x) => x.key === 'access_token' && x.kind === 'jwt')).toMatchObject({ key: 'access_token', kind: 'jwt' });
    expect(a.find((x) => x.key === 'refresh_token')).toMatchObject({ kind: 'opaque-token', plaintext: true });
  });

  it('reads big-endian checksums too, and ignores frames after the last commit', async () => {
    const { base, next } = await images();
    const garbage = new Uint8Array(next.length >= 4096 ? 4096 : next.length).fill(0x41);
    const wal = buildWal(base, next, { bigEndian: true, uncommitted: [garbage] });
    const r = applyWal(markWalMode(base), wal);
    expect(r.framesApplied).toBeGreaterThan(0);
    expect(r.uncommittedFrames).toBe(1);
    expect(Buffer.from(r.image).equals(Buffer.from(next.subarray(0, r.image.length)))).toBe(true);
    expect(r.image[18]).toBe(1);
    const parsed = await parseSqlite(markWalMode(base), wal);
    expect(parsed.entries.map((e) => e.value)).toContain(TOKEN);
    expect(parsed.warnings).toEqual(['1 WAL frames after the last commit were not applied']);
  });

  it('stops at a frame whose checksum does not hold, and ignores a WAL with a bad header', async () => {
    const { base, next } = await images();
    const wal = buildWal(base, next);
    const broken = new Uint8Array(wal);
    broken[32 + 24 + 100] ^= 0xff; // first frame's page data
    const r = applyWal(markWalMode(base), broken);
    expect(r.framesApplied).toBe(0);
    const bad = new Uint8Array(wal);
    bad[0] = 0;
    expect(applyWal(base, bad).warnings).toEqual(['WAL has a bad magic number; ignored']);
  });

  it('parseFile picks the reader by content', async () => {
    const { next } = await images();
    expect((await parseFile('databases/app.db', next)).format).toBe('sqlite');
    expect((await parseFile('shared_prefs/session.xml', new TextEncoder().encode(PREFS))).format).toBe('prefs');
    expect((await parseFile('files/session.json', new TextEncoder().encode(`{"accessToken":"${TOKEN}","n":1}`))).entries).toContainEqual({ key: 'accessToken', value: TOKEN, where: 'field accessToken' });
    // A DataStore protobuf: field tags and lengths around the strings.
    const bin = new Uint8Array([0x0a, 0x0a, ...new TextEncoder().encode('auth_token'), 0x12, 0x9a, 0x01, ...new TextEncoder().encode(TOKEN), 0, 0xff, 0xfe, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const pb = await parseFile('files/datastore/session.preferences_pb', bin);
    expect(pb.format).toBe('binary');
    expect(pb.entries.map((e) => e.value)).toContain(TOKEN);
  });
});

describe('text scan, hashes and modes', () => {
  it('finds key=value lines, JSON fields and bare JWTs', () => {
    const e = scanText(`token=abc123def456ghi789\n{"session_id": "s-1234567890abcdef"}\nlog: ${TOKEN} end`);
    expect(e).toContainEqual({ key: 'token', value: 'abc123def456ghi789', where: 'line token' });
    expect(e).toContainEqual({ key: 'session_id', value: 's-1234567890abcdef', where: 'field session_id' });
    expect(e.some((x) => x.key === null && x.value === TOKEN)).toBe(true);
  });

  it('hashes every value and word, so a value is found again wherever it moved', async () => {
    const raw = new TextEncoder().encode(`{"x":"${PASSWORD}"} plain ${TOKEN}`);
    const h = valueHashes(await parseFile('f.json', raw), raw);
    expect(h.has(sha256(PASSWORD))).toBe(true);
    expect(h.has(sha256(TOKEN))).toBe(true);
  });

  it('flags other-readable or other-writable modes only', () => {
    expect(worldAccessible(0o660)).toBe(false);
    expect(worldAccessible(0o664)).toBe(true);
    expect(worldAccessible(0o662)).toBe(true);
    expect(worldAccessible(null)).toBe(false);
  });
});
