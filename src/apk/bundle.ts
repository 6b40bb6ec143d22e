/**
 * Split bundles: `.apks` (bundletool: splits/base-master.apk, splits/*.apk, toc.pb) and `.xapk`
 * (manifest.json plus base and config split APKs at the top level). Both are ZIPs of APKs; this
 * module only finds the inner APKs and reads their bytes through the outer archive's limits.
 * Which one is the base is decided by the model (the base manifest has no `split` attribute);
 * names give the first guess.
 */
import { FormatError, type ReadWarning, warning } from './errors.js';
import { ZipArchive, type ZipLimits, DEFAULT_ZIP_LIMITS } from './zip.js';

export type ContainerKind = 'apk' | 'apks' | 'xapk';

export interface InnerApk {
  /** Entry name inside the bundle, e.g. `splits/base-master.apk`. */
  name: string;
  archive: ZipArchive;
}

export interface OpenedContainer {
  kind: ContainerKind;
  /** The outer archive (the APK itself for kind 'apk'). */
  outer: ZipArchive;
  /** For a bundle: every inner APK, the likely base first. For an APK: just itself. */
  apks: InnerApk[];
  /** APK files nested inside an APK's own entries (assets/x.apk, res/raw/y.apk): listed, not analysed. */
  nestedApks: string[];
  warnings: ReadWarning[];
}

const MAX_SPLITS = 200;

function baseRank(name: string): number {
  const base = name.split('/').pop()!.toLowerCase();
  if (base === 'base-master.apk' || base === 'base.apk') return 0;
  if (base.startsWith('base')) return 1;
  if (!base.includes('config.') && !base.startsWith('split_')) return 2;
  return 3;
}

export function openContainer(bytes: Uint8Array, file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): OpenedContainer {
  const outer = ZipArchive.open(bytes, file, limits);
  const warnings: ReadWarning[] = [...outer.warnings];
  const innerNames = outer.names((n) => n.toLowerCase().endsWith('.apk'));
  const isApk = outer.has('AndroidManifest.xml');
  if (isApk || innerNames.length === 0) {
    if (!isApk) {
      throw new FormatError(file, 'AndroidManifest.xml', null, 'missing: this ZIP is not an APK (and holds no APKs)');
    }
    return { kind: 'apk', outer, apks: [{ name: file, archive: outer }], nestedApks: innerNames, warnings };
  }
  const kind: ContainerKind = outer.has('manifest.json') ? 'xapk' : 'apks';
  if (innerNames.length > MAX_SPLITS) {
    throw new FormatError(file, 'bundle', null, `holds ${innerNames.length} APKs; the limit is ${MAX_SPLITS}`);
  }
  const sorted = [...innerNames].sort((a, b) => baseRank(a) - baseRank(b) || a.localeCompare(b));
  const apks: InnerApk[] = [];
  for (const name of sorted) {
    try {
      const inner = ZipArchive.open(outer.read(name), `${file}!${name}`, limits);
      warnings.push(...inner.warnings);
      apks.push({ name, archive: inner });
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      warnings.push(warning(file, `split ${name} skipped: ${err.message}`));
    }
  }
  if (apks.length === 0) throw new FormatError(file, 'bundle', null, 'none of its APKs could be read');
  return { kind, outer, apks, nestedApks: [], warnings };
}
