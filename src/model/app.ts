/**
 * The whole app as rules see it: container facts, manifest, resources, network security config,
 * backup rules, code index and content, built from the APK bytes in one pass. Any part that cannot
 * be read is left out with an `analysis-incomplete` warning; only an unreadable container or
 * manifest stops the analysis (there is nothing to say about an app without them).
 */
import { createHash } from 'node:crypto';
import { openContainer, type ContainerKind } from '../apk/bundle.js';
import { FormatError, type ReadWarning, warning } from '../apk/errors.js';
import { parseAxml, type AxmlDocument } from '../apk/axml.js';
import { parseArsc, type ResourceTable } from '../apk/arsc.js';
import { parseDexContainer, type DexFile } from '../apk/dex.js';
import { dexEntryNames, type SigningInfo, type ZipArchive, type ZipLimits, DEFAULT_ZIP_LIMITS } from '../apk/zip.js';
import { buildCodeIndex, type CodeIndex } from './code-index.js';
import { readManifest, type Manifest } from './manifest.js';
import { readNetworkSecurityConfig, effectiveCleartext, type NetworkSecurityConfig, type CleartextPolicy } from './nsc.js';
import { readBackup, type BackupModel } from './backup.js';
import { readContent, type ContentIndex } from './content.js';
import { ValueResolver } from './values.js';

export interface ContainerFacts {
  kind: ContainerKind;
  entries: number;
  /** First entry in the central directory (a nameless padding entry shows as ""). */
  firstEntry: string | null;
  signing: SigningInfo;
  dexFiles: string[];
  /** Inner APKs of a bundle, base first. */
  splits: { name: string; split: string | null }[];
  duplicateEntries: string[];
}

export interface AppModel {
  file: string;
  sha256: string;
  sizeBytes: number;
  container: ContainerFacts;
  manifest: Manifest;
  resources: ResourceTable | null;
  values: ValueResolver;
  nsc: NetworkSecurityConfig | null;
  cleartext: CleartextPolicy;
  backup: BackupModel;
  code: CodeIndex;
  content: ContentIndex;
  /** Text of res/xml files as AXML documents, read on demand. */
  xml(resPath: string): AxmlDocument | null;
  warnings: ReadWarning[];
  /** False when anything was skipped (see warnings with code analysis-incomplete). */
  complete: boolean;
  timings: Record<string, number>;
}

export interface LoadOptions {
  limits?: ZipLimits;
}

function now(): number {
  return performance.now();
}

export function loadApp(bytes: Uint8Array, file: string, opts: LoadOptions = {}): AppModel {
  const timings: Record<string, number> = {};
  let t = now();
  const mark = (k: string): void => {
    const n = now();
    timings[k] = Math.round((n - t) * 10) / 10;
    t = n;
  };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const opened = openContainer(bytes, file, opts.limits ?? DEFAULT_ZIP_LIMITS);
  const warnings: ReadWarning[] = [...opened.warnings];
  mark('container');

  // For a bundle: parse every inner manifest; the base is the one without a split name.
  const manifests = new Map<ZipArchive, AxmlDocument>();
  const manifestOf = (a: ZipArchive): AxmlDocument => {
    let doc = manifests.get(a);
    if (!doc) {
      doc = parseAxml(a.read('AndroidManifest.xml'), `${a.file === file ? '' : `${a.file}!`}AndroidManifest.xml`);
      manifests.set(a, doc);
    }
    return doc;
  };
  let base = opened.apks[0]!.archive;
  const splits: ContainerFacts['splits'] = [];
  if (opened.kind !== 'apk') {
    let found: ZipArchive | null = null;
    for (const inner of opened.apks) {
      let split: string | null = null;
      try {
        const root = manifestOf(inner.archive).root;
        const a = root?.attributes.find((x) => x.name === 'split' && !x.ns);
        split = a && a.value.type === 'string' ? a.value.value : null;
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        warnings.push(warning(file, `split ${inner.name}: ${err.message}`));
        continue;
      }
      splits.push({ name: inner.name, split });
      if (!found && split === null) found = inner.archive;
    }
    if (!found) throw new FormatError(file, 'bundle', null, 'no base APK (every APK inside names a split)');
    base = found;
  }

  const manifestDoc = manifestOf(base);
  warnings.push(...manifestDoc.warnings);
  mark('manifest-axml');

  let resources: ResourceTable | null = null;
  if (base.has('resources.arsc')) {
    try {
      resources = parseArsc(base.read('resources.arsc'), 'resources.arsc');
      warnings.push(...resources.warnings);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      warnings.push(warning('resources.arsc', `not read (${err.message}); references in the manifest stay unresolved`));
    }
  }
  mark('resources');
  const values = new ValueResolver(resources);
  let manifest: Manifest;
  try {
    manifest = readManifest(manifestDoc, values);
  } catch (err) {
    throw new FormatError('AndroidManifest.xml', 'manifest', null, (err as Error).message);
  }

  const xmlCache = new Map<string, AxmlDocument | null>();
  const xml = (resPath: string): AxmlDocument | null => {
    if (xmlCache.has(resPath)) return xmlCache.get(resPath)!;
    let doc: AxmlDocument | null = null;
    if (base.has(resPath)) {
      try {
        doc = parseAxml(base.read(resPath), resPath);
        warnings.push(...doc.warnings);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        warnings.push(warning(resPath, `not read: ${err.message}`));
      }
    } else {
      warnings.push(warning(resPath, 'named by resources.arsc but missing from the APK'));
    }
    xmlCache.set(resPath, doc);
    return doc;
  };

  let nsc: NetworkSecurityConfig | null = null;
  const nscAttr = manifest.application.networkSecurityConfig;
  if (nscAttr?.ref) {
    const path = nscAttr.files[0];
    if (!path) {
      warnings.push(warning('AndroidManifest.xml', `android:networkSecurityConfig ${nscAttr.ref} does not resolve to a file; cleartext policy assumes no config`));
    } else {
      const doc = xml(path);
      if (doc) nsc = readNetworkSecurityConfig(doc, path, values);
    }
  }
  const cleartext = effectiveCleartext(nsc, {
    targetSdk: manifest.targetSdk,
    minSdk: manifest.minSdk,
    usesCleartextTrafficAttr: manifest.application.usesCleartextTrafficAttr,
    debuggable: manifest.application.debuggable,
  });
  const backup = readBackup(manifest, values, xml);
  mark('nsc-backup');

  // Every dex of the base and of any split (feature splits carry code too).
  const dexes: DexFile[] = [];
  const dexFiles: string[] = [];
  const codeArchives = opened.kind === 'apk' ? [base] : [base, ...opened.apks.map((a) => a.archive).filter((a) => a !== base)];
  for (const archive of codeArchives) {
    for (const name of dexEntryNames(archive)) {
      const label = archive === base ? name : `${archive.file}!${name}`;
      dexFiles.push(label);
      try {
        dexes.push(...parseDexContainer(archive.read(name), label));
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        warnings.push(warning(label, `skipped: ${err.message}`));
      }
    }
  }
  mark('dex-parse');
  const code = buildCodeIndex(dexes);
  warnings.push(...code.warnings);
  mark('code-index');

  const content = readContent(base, warnings);
  mark('content');

  const firstEntry = base.entries[0]?.name ?? null;
  return {
    file,
    sha256,
    sizeBytes: bytes.length,
    container: {
      kind: opened.kind,
      entries: base.entries.length,
      firstEntry,
      signing: base.signing,
      dexFiles,
      splits,
      duplicateEntries: base.duplicateNames,
    },
    manifest,
    resources,
    values,
    nsc,
    cleartext,
    backup,
    code,
    content,
    xml,
    warnings,
    get complete() {
      return !warnings.some((w) => w.code === 'analysis-incomplete');
    },
    timings,
  };
}
