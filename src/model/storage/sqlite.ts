/** SQLite: database names, SQL text, SQLiteDatabase writes and deletes, and the SQL parser. */

import { invPoint, type Builder } from './builder.js';
import { classifyName } from './classify.js';
import type { Invoke, MCode } from './method-code.js';
import { methodRefOf, parseRef, UNKNOWN_ORIGIN } from './names.js';
import { SQLITE_DBS } from './refs.js';
import type { CodePoint, Store, ValueType } from './types.js';

export function collectSqlite(b: Builder): void {
  // Database names per class (SQLiteOpenHelper subclasses, openOrCreateDatabase callers, Room).
  const dbByClass = new Map<string, string>();
  const dbStore = (name: string | null, mode: number | null, encrypted: boolean): Store => ({
    kind: 'sqlite',
    name,
    nameFrom: name ? 'const' : 'unknown',
    mode,
    area: 'private',
    encryptedBy: encrypted ? 'sqlcipher' : null,
    backup: name ? { domain: 'database', path: name } : null,
    id: `sqlite:${name ?? '?'}`,
  });
  const stringArg = (inv: Invoke): string | null => {
    for (let k = 0; k < inv.regs.length; k++) {
      const s = b.methods.argSource(inv, k);
      if (s.kind === 'string') return s.value;
    }
    return null;
  };
  for (const helper of ['Landroid/database/sqlite/SQLiteOpenHelper;-><init>', 'Lnet/sqlcipher/database/SQLiteOpenHelper;-><init>', 'Landroidx/room/Room;->databaseBuilder']) {
    for (const inv of b.invokesOf(helper)) {
      const n = stringArg(inv);
      if (n) dbByClass.set(inv.m.key.class, n);
    }
  }
  for (const inv of b.invokesOf('*->openOrCreateDatabase')) {
    const nameArg = inv.static ? 0 : 1;
    const o = b.arg(inv, nameArg);
    const name = o.kind === 'const' ? o.text.slice(o.text.lastIndexOf('/') + 1) : null;
    if (name) dbByClass.set(inv.m.key.class, name);
    const mode = !inv.static && inv.params[1] === 'I' ? b.intArg(inv, 2) : null;
    if (mode !== null) b.opens.push({ api: 'Context.openOrCreateDatabase', at: invPoint(inv), store: dbStore(name, mode, parseRef(inv.target).cls.includes('sqlcipher')), mode });
  }
  const dbOf = (cls: string): string | null => {
    const direct = dbByClass.get(cls);
    if (direct) return direct;
    const dollar = cls.indexOf('$');
    const outer = dollar > 0 ? cls.slice(0, dollar) : cls.slice(0, -1);
    for (const [c, n] of dbByClass) if (c === `${outer};` || c.startsWith(`${outer}$`)) return n;
    return null;
  };

  // SQL text in the methods that run SQL (execSQL/compileStatement/rawQuery callers).
  const SQL = /^\s*(create\s+(?:temp(?:orary)?\s+)?table|insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update\s+(?:or\s+\w+\s+)?[`"\[]?\w+[`"\]]?\s+set|delete\s+from|drop\s+table)\b/i;
  const sqlMethods = new Set<string>();
  for (const ref of ['*->execSQL', '*->compileStatement', '*->rawQuery', '*->rawExecSQL', '*->query(Ljava/lang/String;)Landroid/database/Cursor;']) {
    for (const k of b.code.callersOf(ref)) sqlMethods.add(`${methodRefOf(k)}`);
  }
  const pending: { sql: ParsedSql; m: MCode; at: CodePoint }[] = [];
  for (const ref of sqlMethods) {
    const m = b.methods.code(ref);
    if (!m) continue;
    for (const { pc, value } of b.methods.stringsOf(m)) {
      if (value.length > 4000 || !SQL.test(value)) continue;
      const sql = parseSql(value);
      if (!sql) continue;
      const at: CodePoint = { dex: m.dex.file, class: m.key.class, method: m.key.name, proto: m.key.proto, pc };
      if (sql.op === 'create') b.tables.push({ name: sql.table, columns: sql.columns, database: dbOf(m.key.class), at });
      else pending.push({ sql, m, at });
    }
  }
  const tableCols = new Map<string, string[]>();
  const tableDb = new Map<string, string | null>();
  for (const t of b.tables) {
    const n = t.name.toLowerCase();
    if (!tableCols.has(n)) tableCols.set(n, t.columns);
    if (!tableDb.get(n)) tableDb.set(n, t.database);
  }
  const written = new Set<string>();
  for (const { sql, m, at } of pending) {
    const db = tableDb.get(sql.table.toLowerCase()) ?? dbOf(at.class);
    const store = dbStore(db ?? null, null, false);
    if (sql.op === 'delete' || sql.op === 'drop') {
      b.removals.push({ kind: sql.op === 'drop' ? 'delete-store' : 'clear-store', storeKind: 'sqlite', store, key: sql.table, api: sql.op === 'drop' ? 'DROP TABLE' : 'DELETE FROM', at });
      continue;
    }
    const cols = sql.columns.length > 0 ? sql.columns : (tableCols.get(sql.table.toLowerCase()) ?? []);
    for (const c of cols) {
      const w = b.addWrite({ store, api: sql.op === 'update' ? 'SQL UPDATE' : 'SQL INSERT', at, key: c, keyFrom: 'sql-column', table: sql.table, value: UNKNOWN_ORIGIN, valueType: 'string' }, m);
      if (w.session) written.add(sql.table.toLowerCase());
    }
  }
  // SQLiteDatabase.insert/update/replace with the ContentValues keys of the same method.
  for (const dbCls of SQLITE_DBS) {
    for (const op of ['insert', 'insertOrThrow', 'insertWithOnConflict', 'replace', 'replaceOrThrow', 'update', 'updateWithOnConflict']) {
      for (const inv of b.invokesOf(`${dbCls}->${op}`)) {
        const t = b.methods.argSource(inv, 1);
        const table = t.kind === 'string' ? t.value : null;
        const db = (table ? tableDb.get(table.toLowerCase()) : null) ?? dbOf(inv.m.key.class);
        const store = dbStore(db ?? null, null, dbCls !== SQLITE_DBS[0]);
        for (const put of b.methods.invokesIn(inv.m, 'Landroid/content/ContentValues;->put')) {
          if (put.pc > inv.pc) break;
          const k = b.keyOf(put, 1);
          if (k.key === null) continue;
          const vt = put.params[1];
          const valueType: ValueType = vt === 'Ljava/lang/String;' ? 'string' : vt === '[B' ? 'bytes' : 'unknown';
          const value = b.arg(put, 2);
          if (value.kind === 'null') continue;
          const w = b.addWrite({ store, api: `SQLiteDatabase.${op}`, at: invPoint(put), key: k.key, keyFrom: k.from, keyResource: k.resource, table: table ?? undefined, value, valueType }, inv.m);
          if (w.session && table) written.add(table.toLowerCase());
        }
      }
    }
    for (const inv of b.invokesOf(`${dbCls}->delete`)) {
      const t = b.methods.argSource(inv, 1);
      const table = t.kind === 'string' ? t.value : null;
      const db = (table ? tableDb.get(table.toLowerCase()) : null) ?? dbOf(inv.m.key.class);
      b.removals.push({ kind: 'clear-store', storeKind: 'sqlite', store: dbStore(db ?? null, null, false), key: table, api: 'SQLiteDatabase.delete', at: invPoint(inv) });
    }
  }
  // A table with a session column that nothing visibly writes (Room, helpers): the schema is the evidence.
  for (const t of b.tables) {
    if (written.has(t.name.toLowerCase())) continue;
    const m = b.methods.code(`${t.at.class}->${t.at.method}${t.at.proto}`);
    if (!m) continue;
    const store = dbStore(t.database, null, false);
    for (const c of t.columns) {
      if (!classifyName(c, b.extra)) continue;
      b.addWrite({ store, api: 'SQL CREATE TABLE', at: t.at, key: c, keyFrom: 'sql-column', table: t.name, value: UNKNOWN_ORIGIN, valueType: 'string' }, m);
    }
  }
  for (const inv of b.invokesOf('*->deleteDatabase(Ljava/lang/String;)Z')) {
    const k = b.keyOf(inv, 1);
    b.removals.push({ kind: 'delete-store', storeKind: 'sqlite', store: dbStore(k.key, null, false), key: null, api: 'Context.deleteDatabase', at: invPoint(inv) });
  }
}

// ------------------------------------------------------------------------------------ SQL

interface ParsedSql {
  op: 'create' | 'insert' | 'update' | 'delete' | 'drop';
  table: string;
  columns: string[];
}

const IDENT = '[`"\\[]?([A-Za-z_][\\w$]*)[`"\\]]?';

/** The table and the columns a SQL statement creates or writes (enough for CREATE TABLE, INSERT, UPDATE, DELETE, DROP). */
export function parseSql(sql: string): ParsedSql | null {
  const s = sql.trim();
  let m = new RegExp(`^create\\s+(?:temp(?:orary)?\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?(?:\\w+\\.)?${IDENT}\\s*\\(([\\s\\S]*)`, 'i').exec(s);
  if (m) {
    const body = m[2]!.replace(/\)\s*;?\s*$/, '');
    const cols: string[] = [];
    let depth = 0;
    let cur = '';
    for (const ch of body) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === ',' && depth === 0) {
        cols.push(cur);
        cur = '';
      } else cur += ch;
    }
    cols.push(cur);
    const names = cols
      .map((c) => c.trim())
      .filter((c) => c && !/^(primary|foreign|unique|check|constraint)\b/i.test(c))
      .map((c) => /^[`"\[]?([A-Za-z_][\w$]*)/.exec(c)?.[1])
      .filter((c): c is string => !!c);
    return { op: 'create', table: m[1]!, columns: names };
  }
  m = new RegExp(`^(?:insert\\s+(?:or\\s+\\w+\\s+)?|replace\\s+)into\\s+(?:\\w+\\.)?${IDENT}\\s*(\\(([^)]*)\\))?`, 'i').exec(s);
  if (m) {
    const cols = m[3] ? m[3].split(',').map((c) => c.trim().replace(/^[`"\[]|[`"\]]$/g, '')).filter(Boolean) : [];
    return { op: 'insert', table: m[1]!, columns: cols };
  }
  m = new RegExp(`^update\\s+(?:or\\s+\\w+\\s+)?${IDENT}\\s+set\\s+([\\s\\S]*?)(?:\\swhere\\s|$)`, 'i').exec(s);
  if (m) {
    const cols = [...m[2]!.matchAll(/[`"\[]?([A-Za-z_]\w*)[`"\]]?\s*=/g)].map((x) => x[1]!);
    return { op: 'update', table: m[1]!, columns: cols };
  }
  m = new RegExp(`^delete\\s+from\\s+${IDENT}`, 'i').exec(s);
  if (m) return { op: 'delete', table: m[1]!, columns: [] };
  m = new RegExp(`^drop\\s+table\\s+(?:if\\s+exists\\s+)?${IDENT}`, 'i').exec(s);
  if (m) return { op: 'drop', table: m[1]!, columns: [] };
  return null;
}
