/** Files: where a path points, file writes and their content, temp files, permission changes, deletes. */

import { invPoint, type Builder } from './builder.js';
import type { Invoke } from './method-code.js';
import { parseRef, shortRef, UNKNOWN_ORIGIN } from './names.js';
import { FILE } from './refs.js';
import type { FileArea, Store, ValueOrigin } from './types.js';

/** Directory getters -> area. */
const DIRS: Record<string, FileArea> = {
  getFilesDir: 'files',
  getCacheDir: 'cache',
  getCodeCacheDir: 'cache',
  getNoBackupFilesDir: 'no-backup',
  getDataDir: 'data',
  getDir: 'app-dir',
  getDatabasePath: 'database',
  getExternalFilesDir: 'external-app',
  getExternalFilesDirs: 'external-app',
  getExternalCacheDir: 'external-app',
  getExternalCacheDirs: 'external-app',
  getExternalMediaDirs: 'external-app',
  getExternalStorageDirectory: 'external-public',
  getExternalStoragePublicDirectory: 'external-public',
  getLegacyExternalStorageDirectory: 'external-public',
};
/** Writer calls whose argument is what ends up in the file: ref prefix -> argument index. */
const FILE_WRITERS: [ref: string, arg: number][] = [
  ['Ljava/io/FileOutputStream;->write', 1],
  ['Ljava/io/OutputStream;->write', 1],
  ['Ljava/io/BufferedOutputStream;->write', 1],
  ['Ljava/io/DataOutputStream;->write', 1],
  ['Ljava/io/DataOutputStream;->writeUTF', 1],
  ['Ljava/io/DataOutputStream;->writeBytes', 1],
  ['Ljava/io/ObjectOutputStream;->writeObject', 1],
  ['Ljava/io/Writer;->write', 1],
  ['Ljava/io/Writer;->append', 1],
  ['Ljava/io/FileWriter;->write', 1],
  ['Ljava/io/FileWriter;->append', 1],
  ['Ljava/io/BufferedWriter;->write', 1],
  ['Ljava/io/BufferedWriter;->append', 1],
  ['Ljava/io/OutputStreamWriter;->write', 1],
  ['Ljava/io/OutputStreamWriter;->append', 1],
  ['Ljava/io/PrintWriter;->write', 1],
  ['Ljava/io/PrintWriter;->print', 1],
  ['Ljava/io/PrintWriter;->println', 1],
  ['Ljava/io/PrintWriter;->append', 1],
  ['Ljava/io/PrintStream;->print', 1],
  ['Ljava/io/PrintStream;->println', 1],
  ['Ljava/io/PrintStream;->write', 1],
];

/** The file a File/String path value names: area and name. */
function fileOf(o: ValueOrigin): { area: FileArea; name: string | null } {
  let area: FileArea = 'unknown';
  const names: string[] = [];
  const visit = (x: ValueOrigin, depth: number): void => {
    if (depth > 8) return;
    if (x.kind === 'call') {
      const p = parseRef(x.text);
      const a = DIRS[p.name];
      if (a && area === 'unknown') area = a;
      return;
    }
    if (x.kind === 'field') {
      if (/->dataDir:/.test(x.text) && area === 'unknown') area = 'data';
      return;
    }
    if (x.kind === 'const') {
      const t = x.text;
      if (area === 'unknown') {
        if (/^\/(sdcard|mnt\/sdcard|storage\/|mnt\/extSdCard)/.test(t)) area = 'external-public';
        else if (/^\/data\/(data|user\/\d+)\//.test(t)) area = 'data';
      }
      names.push(t);
      return;
    }
    for (const p of x.parts ?? []) visit(p, depth + 1);
  };
  visit(o, 0);
  const joined = names.join('');
  const base = joined.split('/').filter(Boolean);
  return { area, name: base.length > 0 ? base[base.length - 1]! : null };
}

function fileStore(area: FileArea, name: string | null, mode: number | null): Store {
  let backup: Store['backup'] = null;
  if (name) {
    if (area === 'files') backup = { domain: 'file', path: name };
    else if (area === 'data') backup = { domain: 'root', path: name };
    else if (area === 'database') backup = { domain: 'database', path: name };
  }
  return { kind: 'file', name, nameFrom: name ? 'const' : 'unknown', mode, area, encryptedBy: null, backup, id: `file:${name ?? '?'}` };
}

/** What the method writes into streams/writers after `pc` (the writer calls of the same method). */
function contentAfter(b: Builder, inv: Invoke): ValueOrigin {
  const parts: ValueOrigin[] = [];
  for (const [ref, k] of FILE_WRITERS) {
    for (const w of b.methods.invokesIn(inv.m, ref)) {
      if (w.pc <= inv.pc || w.regs.length <= k) continue;
      const o = b.arg(w, k);
      if (o.kind === 'number') continue;
      parts.push(o);
    }
  }
  if (parts.length === 0) return UNKNOWN_ORIGIN;
  if (parts.length === 1) return parts[0]!;
  return { kind: 'concat', text: 'concat', through: [], parts };
}

export function collectFiles(b: Builder): void {
  const fileWrite = (inv: Invoke, api: string, store: Store, content: ValueOrigin): void => {
    const nameLabel = store.name ? store.name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/\*/g, ' ') : null;
    b.addWrite({ store, api, at: invPoint(inv), key: null, keyFrom: 'none', value: content, valueType: 'string' }, inv.m, nameLabel);
  };
  for (const inv of b.invokesOf('*->openFileOutput(Ljava/lang/String;I)Ljava/io/FileOutputStream;')) {
    const k = b.keyOf(inv, 1);
    const mode = b.intArg(inv, 2);
    const store = fileStore('files', k.from === 'field-name' ? null : k.key, mode);
    if (mode !== null) b.opens.push({ api: 'Context.openFileOutput', at: invPoint(inv), store, mode });
    fileWrite(inv, 'Context.openFileOutput', store, contentAfter(b, inv));
  }
  for (const inv of b.invokesOf('*->getDir(Ljava/lang/String;I)Ljava/io/File;')) {
    const k = b.keyOf(inv, 1);
    const mode = b.intArg(inv, 2);
    if (mode !== null) b.opens.push({ api: 'Context.getDir', at: invPoint(inv), store: fileStore('app-dir', k.key ? `app_${k.key}` : null, mode), mode });
  }
  const opens: [ref: string, api: string][] = [
    ['Ljava/io/FileOutputStream;-><init>', 'FileOutputStream'],
    ['Ljava/io/FileWriter;-><init>', 'FileWriter'],
    ['Ljava/io/PrintWriter;-><init>', 'PrintWriter'],
    ['Ljava/io/PrintStream;-><init>', 'PrintStream'],
  ];
  for (const [ref, api] of opens) {
    for (const inv of b.invokesOf(ref)) {
      const t = inv.params[0];
      if (t !== 'Ljava/lang/String;' && t !== FILE) continue;
      const path = b.arg(inv, 1);
      // A temp file: File.createTempFile below records it with its content.
      if (path.kind === 'call' && parseRef(path.text).name === 'createTempFile') continue;
      const f = fileOf(path);
      if (f.area === 'unknown' && f.name === null) continue;
      fileWrite(inv, api, fileStore(f.area, f.name, null), contentAfter(b, inv));
    }
  }
  for (const [ref, api] of [
    ['Lkotlin/io/FilesKt;->writeText', 'File.writeText'],
    ['Lkotlin/io/FilesKt;->writeBytes', 'File.writeBytes'],
    ['Lkotlin/io/FilesKt;->appendText', 'File.appendText'],
    ['Lkotlin/io/FilesKt__FileReadWriteKt;->writeText', 'File.writeText'],
    ['Ljava/nio/file/Files;->write', 'Files.write'],
    ['Ljava/nio/file/Files;->writeString', 'Files.writeString'],
  ] as const) {
    for (const inv of b.invokesOf(ref)) {
      const f = fileOf(b.arg(inv, 0));
      fileWrite(inv, api, fileStore(f.area, f.name, null), b.arg(inv, 1));
    }
  }
  for (const inv of b.invokesOf(`${FILE}->createTempFile`)) {
    const pre = b.methods.argSource(inv, 0);
    const suf = b.methods.argSource(inv, 1);
    const prefix = pre.kind === 'string' ? pre.value : '';
    const suffix = suf.kind === 'string' ? suf.value : suf.kind === 'int' && suf.value === 0 ? '.tmp' : '';
    const dir = inv.regs.length > 2 ? fileOf(b.arg(inv, 2)).area : 'cache';
    // The content is written where the temp file is used; the same method is the best guess.
    fileWrite(inv, 'File.createTempFile', fileStore(dir === 'unknown' ? 'cache' : dir, `${prefix}*${suffix}`, null), contentAfter(b, inv));
  }
  for (const op of ['setReadable', 'setWritable', 'setExecutable']) {
    for (const inv of b.invokesOf(`${FILE}->${op}(ZZ)Z`)) {
      const flag = b.intArg(inv, 1);
      const owner = b.intArg(inv, 2);
      const f = fileOf(b.arg(inv, 0));
      b.permissions.push({ api: `File.${op}`, at: invPoint(inv), world: !!flag && owner === 0, store: f.area === 'unknown' && !f.name ? null : fileStore(f.area, f.name, null) });
    }
  }
  for (const inv of b.invokesOf(`${FILE}->delete()Z`)) {
    const f = fileOf(b.arg(inv, 0));
    b.removals.push({ kind: 'delete-store', storeKind: 'file', store: f.name ? fileStore(f.area, f.name, null) : null, key: null, api: 'File.delete', at: invPoint(inv) });
  }
  for (const ref of [`${FILE}->deleteOnExit`, 'Lkotlin/io/FilesKt;->deleteRecursively']) {
    for (const inv of b.invokesOf(ref)) b.removals.push({ kind: 'delete-store', storeKind: 'file', store: null, key: null, api: shortRef(inv.target), at: invPoint(inv) });
  }
  for (const inv of b.invokesOf('*->deleteFile(Ljava/lang/String;)Z')) {
    const k = b.keyOf(inv, 1);
    b.removals.push({ kind: 'delete-store', storeKind: 'file', store: k.key ? fileStore('files', k.key, null) : null, key: null, api: 'Context.deleteFile', at: invPoint(inv) });
  }
  for (const inv of b.invokesOf('Landroid/app/ActivityManager;->clearApplicationUserData()Z')) {
    b.removals.push({ kind: 'clear-app-data', storeKind: 'any', store: null, key: null, api: 'ActivityManager.clearApplicationUserData', at: invPoint(inv) });
  }
}
