/**
 * What the files on the device contain, as key/value entries, and which of those values are
 * session data.
 *
 * - SharedPreferences XML (fast-xml-parser), including EncryptedSharedPreferences, recognised by
 *   its keyset entries (`__androidx_security_crypto_encrypted_prefs_key_keyset__`);
 * - SQLite databases with their `-wal` (sql.js): committed WAL frames are applied to the page
 *   image before the database is opened, because recent rows live in the WAL until a checkpoint;
 * - anything else: a text scan (JSON pairs, key=value lines, JWTs, long random strings), over the
 *   printable runs of binary files.
 *
 * Values are classified as JWT (with exp/iat decoded), bearer header, opaque token, the password
 * typed in the flow (compared by sha256), encrypted blob, session id or cookie. Raw values stay in
 * memory for comparisons; reports only ever see `redact()`ed forms.
 */
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import type { Database, SqlJsStatic } from 'sql.js';
import { classifyKey, classifyValue, entropy, words } from '../src/model/session-data.js';
import { sha256 } from './secrets.js';
import type { FileEntry } from './device-fs.js';

export interface Entry {
  /** The key, column or field name; null for values found by the text scan. */
  key: string | null;
  value: string;
  /** Where in the file: "key auth_token", "table session, column token, row 1", "text". */
  where: string;
}

export type FileFormat = 'prefs' | 'encrypted-prefs' | 'sqlite' | 'text' | 'binary';

export interface ParsedFile {
  format: FileFormat;
  entries: Entry[];
  /** Problems reading the file (an unreadable database, a broken WAL…). */
  warnings: string[];
}

// ---------------------------------------------------------------- SharedPreferences

const ES_MARKERS = ['__androidx_security_crypto_encrypted_prefs_key_keyset__', '__androidx_security_crypto_encrypted_prefs_value_keyset__'];

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (_name, _jpath, _leaf, isAttribute) => !isAttribute,
});

type XmlNode = Record<string, unknown>;

function textOf(n: unknown): string {
  if (typeof n === 'string') return n;
  if (n && typeof n === 'object' && '#text' in (n as XmlNode)) return String((n as XmlNode)['#text']);
  return '';
}

/** Entries of a SharedPreferences file (`<map><string name="k">v</string>…</map>`). */
export function parsePrefs(text: string): ParsedFile {
  let doc: XmlNode;
  try {
    doc = xml.parse(text) as XmlNode;
  } catch (err) {
    return { format: 'text', entries: scanText(text), warnings: [`not well-formed XML: ${(err as Error).message.split('\n')[0]}`] };
  }
  const map = (doc.map as XmlNode[] | undefined)?.[0];
  if (!map) return { format: 'text', entries: scanText(text), warnings: [] };
  const entries: Entry[] = [];
  for (const [tag, list] of Object.entries(map)) {
    if (!Array.isArray(list)) continue;
    for (const item of list as unknown[]) {
      const attrs = (item && typeof item === 'object' ? item : {}) as XmlNode;
      const name = typeof attrs['@_name'] === 'string' ? (attrs['@_name'] as string) : null;
      if (name === null) continue;
      if (tag === 'string') entries.push({ key: name, value: textOf(item), where: `key ${name}` });
      else if (tag === 'set') {
        const strings = (attrs.string as unknown[] | undefined) ?? [];
        strings.forEach((s, i) => entries.push({ key: name, value: textOf(s), where: `key ${name}[${i}]` }));
      } else if (['int', 'long', 'float', 'boolean'].includes(tag)) {
        entries.push({ key: name, value: String(attrs['@_value'] ?? ''), where: `key ${name}` });
      }
    }
  }
  const encrypted = entries.some((e) => e.key !== null && ES_MARKERS.includes(e.key));
  return { format: encrypted ? 'encrypted-prefs' : 'prefs', entries, warnings: [] };
}

// ---------------------------------------------------------------- SQLite + WAL

const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;

function walChecksum(buf: Uint8Array, off: number, len: number, bigEndian: boolean, s: [number, number]): [number, number] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let s0 = s[0];
  let s1 = s[1];
  for (let i = off; i < off + len; i += 8) {
    s0 = (s0 + dv.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

export interface WalResult {
  /** The database image with every committed frame applied (journal mode set back to rollback). */
  image: Uint8Array;
  framesApplied: number;
  /** Valid frames after the last commit (an open transaction): not applied. */
  uncommittedFrames: number;
  warnings: string[];
}

/**
 * Applies the committed frames of a WAL file to a database image. Frames count while their salts
 * match the header and the running checksum holds; the image ends at the last commit frame.
 */
export function applyWal(db: Uint8Array, wal: Uint8Array): WalResult {
  const warnings: string[] = [];
  const none = (w: string): WalResult => ({ image: setRollbackMode(db), framesApplied: 0, uncommittedFrames: 0, warnings: w ? [w] : [] });
  if (wal.length < 32) return none(wal.length ? 'WAL shorter than its header; ignored' : '');
  const dv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = dv.getUint32(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return none('WAL has a bad magic number; ignored');
  const bigEndian = magic === WAL_MAGIC_BE;
  const pageSize = dv.getUint32(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return none(`WAL page size ${pageSize} is invalid; ignored`);
  const salt1 = dv.getUint32(16);
  const salt2 = dv.getUint32(20);
  let sum = walChecksum(wal, 0, 24, bigEndian, [0, 0]);
  if (sum[0] !== dv.getUint32(24) || sum[1] !== dv.getUint32(28)) return none('WAL header checksum mismatch; ignored');
  if (db.length >= 100) {
    const raw = (db[16]! << 8) | db[17]!;
    const dbPage = raw === 1 ? 65536 : raw;
    if (dbPage !== pageSize) return none(`WAL page size ${pageSize} differs from the database's ${dbPage}; ignored`);
  }
  const pending = new Map<number, Uint8Array>();
  const committed = new Map<number, Uint8Array>();
  let dbPages = Math.floor(db.length / pageSize);
  let applied = 0;
  let frames = 0;
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
    const pgno = dv.getUint32(off);
    const commitSize = dv.getUint32(off + 4);
    if (dv.getUint32(off + 8) !== salt1 || dv.getUint32(off + 12) !== salt2 || pgno === 0) break;
    sum = walChecksum(wal, off, 8, bigEndian, sum);
    sum = walChecksum(wal, off + 24, pageSize, bigEndian, sum);
    if (sum[0] !== dv.getUint32(off + 16) || sum[1] !== dv.getUint32(off + 20)) break;
    pending.set(pgno, wal.subarray(off + 24, off + 24 + pageSize));
    frames++;
    if (commitSize > 0) {
      for (const [p, data] of pending) committed.set(p, data);
      applied += pending.size;
      pending.clear();
      frames = 0;
      dbPages = commitSize;
    }
  }
  if (committed.size === 0) return { ...none(''), uncommittedFrames: frames };
  const image = new Uint8Array(dbPages * pageSize);
  image.set(db.subarray(0, Math.min(db.length, image.length)));
  for (const [p, data] of committed) if (p <= dbPages) image.set(data, (p - 1) * pageSize);
  return { image: setRollbackMode(image), framesApplied: applied, uncommittedFrames: frames, warnings };
}

/** Header bytes 18/19 = 2 mean WAL mode; an in-memory copy must be opened in rollback mode. */
function setRollbackMode(db: Uint8Array): Uint8Array {
  if (db.length < 100 || (db[18] !== 2 && db[19] !== 2)) return db;
  const copy = new Uint8Array(db);
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

let sqlJs: Promise<SqlJsStatic> | null = null;

/** sql.js (WebAssembly SQLite), loaded once. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    const require = createRequire(import.meta.url);
    const init = require('sql.js') as (cfg?: object) => Promise<SqlJsStatic>;
    sqlJs = init();
  }
  return sqlJs;
}

const MAX_ROWS = 5000;

export function isSqlite(buf: Uint8Array): boolean {
  return buf.length >= 16 && Buffer.from(buf.subarray(0, 16)).toString('latin1') === 'SQLite format 3\u0000';
}

function blobText(b: Uint8Array): string | null {
  const s = Buffer.from(b).toString('utf8');
  return /^[\x20-\x7e\t\r\n]*$/.test(s) ? s : null;
}

/** Every text cell of every table (blobs that are printable text too), after applying the WAL. */
export async function parseSqlite(db: Uint8Array, wal?: Uint8Array | null): Promise<ParsedFile> {
  const warnings: string[] = [];
  let image = db;
  if (wal && wal.length) {
    const r = applyWal(db, wal);
    image = r.image;
    warnings.push(...r.warnings);
    if (r.uncommittedFrames) warnings.push(`${r.uncommittedFrames} WAL frames after the last commit were not applied`);
  } else image = setRollbackMode(db);
  if (image.length === 0) return { format: 'sqlite', entries: [], warnings: [...warnings, 'empty database'] };
  const SQL = await loadSqlJs();
  let d: Database;
  try {
    d = new SQL.Database(image);
  } catch (err) {
    return { format: 'binary', entries: scanBinary(db), warnings: [...warnings, `cannot open the database: ${(err as Error).message}`] };
  }
  const entries: Entry[] = [];
  try {
    const tables = d.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    for (const row of tables[0]?.values ?? []) {
      const table = String(row[0]);
      const res = d.exec(`SELECT * FROM "${table.replace(/"/g, '""')}" LIMIT ${MAX_ROWS}`);
      const r = res[0];
      if (!r) continue;
      r.values.forEach((vals, i) => {
        vals.forEach((v, c) => {
          const col = r.columns[c]!;
          let s: string | null = null;
          if (typeof v === 'string') s = v;
          else if (v instanceof Uint8Array) s = blobText(v);
          if (s !== null && s !== '') entries.push({ key: col, value: s, where: `table ${table}, column ${col}, row ${i + 1}` });
        });
      });
    }
  } catch (err) {
    warnings.push(`cannot read the database: ${(err as Error).message}`);
  } finally {
    d.close();
  }
  return { format: 'sqlite', entries, warnings };
}

// ---------------------------------------------------------------- text

const JWT_ANYWHERE = /eyJ[A-Za-z0-9_-]{2,}\.(?:eyJ)?[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
const JSON_PAIR = /"([A-Za-z0-9_.-]{1,80})"\s*:\s*"((?:[^"\\]|\\.){1,8192})"/g;
const KV_LINE = /^\s*([A-Za-z0-9_.-]{1,80})\s*[=:]\s*(\S.{0,8191}?)\s*$/gm;
const LONG_RANDOM = /[A-Za-z0-9_\-+/=.]{32,}/g;

/** Key/value pairs and token-shaped strings in free text. */
export function scanText(text: string): Entry[] {
  const out: Entry[] = [];
  const seen = new Set<string>();
  const push = (e: Entry): void => {
    const k = `${e.key}\u0000${e.value}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(e);
  };
  for (const m of text.matchAll(JSON_PAIR)) {
    let v = m[2]!;
    try {
      v = JSON.parse(`"${v}"`) as string;
    } catch {
      // keep the raw text
    }
    push({ key: m[1]!, value: v, where: `field ${m[1]}` });
  }
  for (const m of text.matchAll(KV_LINE)) push({ key: m[1]!, value: m[2]!.replace(/^["']|["']$/g, ''), where: `line ${m[1]}` });
  for (const m of text.matchAll(JWT_ANYWHERE)) push({ key: null, value: m[0], where: `text at offset ${m.index}` });
  for (const m of text.matchAll(LONG_RANDOM)) if (classifyValue(m[0])) push({ key: null, value: m[0], where: `text at offset ${m.index}` });
  return out;
}

/** Printable runs of 8+ characters of a binary file, scanned as text. */
export function scanBinary(buf: Uint8Array): Entry[] {
  const runs = Buffer.from(buf).toString('latin1').match(/[\x20-\x7e]{8,}/g) ?? [];
  return scanText(runs.join('\n'));
}

/** The words of a text, for password comparison by hash (split on whitespace and punctuation that cannot be in one). */
export function candidateWords(text: string): string[] {
  return text.split(/[\s"'<>=&,;:{}()[\]]+/).filter((w) => w.length >= 4 && w.length <= 256);
}

/** Parses one file by its content and name. `wal` is the `-wal` companion of a database. */
export async function parseFile(path: string, buf: Uint8Array, wal?: Uint8Array | null): Promise<ParsedFile> {
  if (isSqlite(buf) || (buf.length === 0 && wal && wal.length)) return parseSqlite(buf, wal);
  const text = Buffer.from(buf).toString('utf8');
  const printable = text.length === 0 || (text.match(/[\x00-\x08\x0e-\x1f\ufffd]/g)?.length ?? 0) / text.length < 0.02;
  if (path.endsWith('.xml') && /<map\b/.test(text)) return parsePrefs(text);
  if (printable) return { format: 'text', entries: scanText(text), warnings: [] };
  return { format: 'binary', entries: scanBinary(buf), warnings: [] };
}

// ---------------------------------------------------------------- classification

export type ValueKind = 'jwt' | 'bearer' | 'opaque-token' | 'password' | 'credential' | 'encrypted' | 'session-id' | 'account';

export interface JwtClaims {
  exp: number | null;
  iat: number | null;
}

export interface Artifact {
  file: string;
  area: 'data' | 'shared' | 'accounts';
  key: string | null;
  where: string;
  kind: ValueKind;
  /** True when the value is usable as found (not encrypted). */
  plaintext: boolean;
  confidence: 'high' | 'medium';
  /** Raw value: in memory only, never written anywhere. */
  value: string;
  sha256: string;
  jwt: JwtClaims | null;
  /** Mode bits of the file, null when unknown. */
  mode: number | null;
}

export function decodeJwt(token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length < 2) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (!payload || typeof payload !== 'object') return null;
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return { exp: num(payload.exp), iat: num(payload.iat) };
  } catch {
    return null;
  }
}

const JWT_EXACT = /^eyJ[A-Za-z0-9_-]{2,}\.(?:eyJ)?[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;
const ENCRYPTED_WORDS = new Set(['enc', 'encrypted', 'cipher', 'ciphertext', 'ct', 'iv', 'nonce', 'wrapped', 'sealed', 'aead', 'gcm', 'tag', 'salt']);

/** A base64 value that decodes to a JWT (an "encoded" token is still a plaintext token). */
function base64Jwt(v: string): string | null {
  if (!/^[A-Za-z0-9+/=_-]{24,}$/.test(v)) return null;
  try {
    const d = Buffer.from(v, 'base64').toString('utf8');
    const m = /eyJ[A-Za-z0-9_-]{2,}\.(?:eyJ)?[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/.exec(d);
    return m ? m[0] : null;
  } catch {
    return null;
  }
}

export interface ClassifyOptions {
  /** sha256 of the passwords typed in the flow. */
  passwordHashes: Set<string>;
  /** Extra key-name patterns from the configuration. */
  extraKeyPatterns?: string[];
  /** The file is EncryptedSharedPreferences: every value is ciphertext. */
  encryptedFile?: boolean;
}

/** Whether an entry is session data, and of what kind; null for anything else. */
export function classifyEntry(e: Entry, opts: ClassifyOptions): Omit<Artifact, 'file' | 'area' | 'mode'> | null {
  const v = e.value.trim();
  if (!v) return null;
  const base = { key: e.key, where: e.where, value: v, sha256: sha256(v), jwt: null as JwtClaims | null };
  if (opts.passwordHashes.has(sha256(v))) return { ...base, kind: 'password', plaintext: true, confidence: 'high' };
  if (opts.encryptedFile) {
    if (e.key && e.key.startsWith('__androidx_security_crypto')) return null;
    return v.length >= 16 ? { ...base, kind: 'encrypted', plaintext: false, confidence: 'medium' } : null;
  }
  const keyMatch = e.key ? classifyKey(e.key, opts.extraKeyPatterns ?? []) : null;
  const keyWords = e.key ? words(e.key) : [];
  const encryptedKey = keyWords.some((w) => ENCRYPTED_WORDS.has(w));
  if (JWT_EXACT.test(v)) return { ...base, kind: 'jwt', plaintext: true, confidence: 'high', jwt: decodeJwt(v) };
  const shape = classifyValue(v);
  if (shape === 'bearer') return { ...base, kind: 'bearer', plaintext: true, confidence: 'high' };
  if (shape === 'jwt') return { ...base, kind: 'jwt', plaintext: true, confidence: 'high', jwt: decodeJwt(v) };
  const inner = base64Jwt(v);
  if (inner) return { ...base, kind: 'jwt', plaintext: true, confidence: 'high', jwt: decodeJwt(inner) };
  if (keyMatch && encryptedKey) return v.length >= 8 ? { ...base, kind: 'encrypted', plaintext: false, confidence: 'medium' } : null;
  if (keyMatch) {
    if (v.length < 8 || /^(true|false|null|\d{1,12})$/i.test(v)) return null;
    switch (keyMatch.kind) {
      case 'password':
      case 'pin':
        return { ...base, kind: 'credential', plaintext: true, confidence: 'medium' };
      case 'session':
      case 'cookie':
        return { ...base, kind: 'session-id', plaintext: true, confidence: keyMatch.strength === 'high' ? 'high' : 'medium' };
      case 'token':
      case 'secret':
      case 'credential':
        return { ...base, kind: 'opaque-token', plaintext: true, confidence: keyMatch.strength === 'high' || shape ? 'high' : 'medium' };
    }
  }
  if (shape === 'opaque-token' && e.key === null && entropy(v) >= 4.5) return { ...base, kind: 'opaque-token', plaintext: true, confidence: 'medium' };
  return null;
}

/** Session artifacts of one parsed file. */
export function artifactsOf(file: FileEntry, parsed: ParsedFile, opts: ClassifyOptions): Artifact[] {
  const out: Artifact[] = [];
  const seen = new Set<string>();
  for (const e of parsed.entries) {
    const c = classifyEntry(e, { ...opts, encryptedFile: parsed.format === 'encrypted-prefs' });
    if (!c) continue;
    const k = `${c.sha256}\u0000${c.where}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ ...c, file: file.path, area: file.area, mode: file.mode });
  }
  return out;
}

/** Every value of a parsed file plus its words, as sha256 hashes: what "still on disk" is checked against. */
export function valueHashes(parsed: ParsedFile, raw: Uint8Array): Set<string> {
  const set = new Set<string>();
  for (const e of parsed.entries) {
    set.add(sha256(e.value.trim()));
    const inner = base64Jwt(e.value.trim());
    if (inner) set.add(sha256(inner));
  }
  const text = Buffer.from(raw).toString('utf8');
  for (const w of candidateWords(text)) set.add(sha256(w));
  for (const m of text.matchAll(JWT_ANYWHERE)) set.add(sha256(m[0]));
  return set;
}

/** World-readable or world-writable mode bits. */
export function worldAccessible(mode: number | null): boolean {
  return mode !== null && (mode & 0o006) !== 0;
}

export function describeMode(mode: number | null): string {
  return mode === null ? 'unknown' : mode.toString(8).padStart(3, '0');
}
