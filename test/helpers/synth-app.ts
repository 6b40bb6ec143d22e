/**
 * Variants of a real fixture APK for focused tests: replace its dex files with ones assembled from
 * a test's own smali, or add/replace other entries (assets, res/xml), then load the model. The
 * manifest and resources stay those of the real, compiled fixture.
 */
import { readFileSync } from 'node:fs';
import { ZipArchive } from '../../src/apk/zip.js';
import { loadApp, type AppModel } from '../../src/model/app.js';
import { buildZip } from './zip-builder.js';

/** Rebuilds `apkPath` with `replace` entries set (name -> bytes; null removes the entry). */
export function variantBytes(apkPath: string, replace: Record<string, Uint8Array | string | null>): Uint8Array {
  const z = ZipArchive.open(new Uint8Array(readFileSync(apkPath)), apkPath);
  const entries: { name: string; data: Uint8Array | string }[] = [];
  for (const name of z.names()) {
    if (name in replace) continue;
    entries.push({ name, data: z.read(name) });
  }
  for (const [name, data] of Object.entries(replace)) if (data !== null) entries.push({ name, data });
  return buildZip(entries);
}

export function variant(apkPath: string, replace: Record<string, Uint8Array | string | null>, label = 'variant.apk'): AppModel {
  return loadApp(variantBytes(apkPath, replace), label);
}

/** The fixture's manifest and resources with only the given dex files as code. */
export function withDex(apkPath: string, dexFiles: Uint8Array[], label = 'variant.apk'): AppModel {
  const z = ZipArchive.open(new Uint8Array(readFileSync(apkPath)), apkPath);
  const replace: Record<string, Uint8Array | null> = {};
  for (const n of z.names((x) => /^classes\d*\.dex$/.test(x))) replace[n] = null;
  dexFiles.forEach((d, i) => {
    replace[i === 0 ? 'classes.dex' : `classes${i + 1}.dex`] = d;
  });
  return variant(apkPath, replace, label);
}
