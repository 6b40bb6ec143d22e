/**
 * Non-code content: text under assets/ and res/raw/ (JSON configs, React Native's
 * index.android.bundle, Cordova's www/), native libraries, and the cross-platform framework the app
 * is built with. Text is read lazily and capped so a hostile archive cannot make us read gigabytes.
 */
import type { ReadWarning } from '../apk/errors.js';
import { FormatError, warning } from '../apk/errors.js';
import type { ZipArchive } from '../apk/zip.js';

export interface TextFile {
  name: string;
  text: string;
}

export interface NativeLib {
  abi: string;
  name: string;
  size: number;
}

export type Framework = 'react-native' | 'cordova' | 'flutter' | 'xamarin' | 'unity' | 'capacitor';

export interface ContentIndex {
  assets: string[];
  raw: string[];
  nativeLibs: NativeLib[];
  nestedApks: string[];
  frameworks: Framework[];
  /** Text files under assets/ and res/raw/ (and Cordova www/), read on first use. */
  textFiles(): TextFile[];
  /** Bytes of one asset or raw resource (e.g. a Hermes bundle), or null when it is missing, too large or unreadable. */
  bytes(name: string): Uint8Array | null;
}

const TEXT_EXT = /\.(json|js|mjs|cjs|bundle|html?|xml|txt|properties|ya?ml|cfg|conf|ini|plist|csv|env|config|css|ts|map)$/i;
const MAX_TEXT_FILE = 16 * 1024 * 1024;
const MAX_TEXT_TOTAL = 64 * 1024 * 1024;
const MAX_TEXT_FILES = 2000;
const MAX_BINARY_ASSET = 64 * 1024 * 1024;

function looksText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let ctrl = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32)) ctrl++;
  }
  return ctrl <= n / 50;
}

export function readContent(archive: ZipArchive, warnings: ReadWarning[]): ContentIndex {
  const names = archive.names();
  const assets = names.filter((n) => n.startsWith('assets/') && !n.endsWith('/'));
  const raw = names.filter((n) => n.startsWith('res/raw/') || /^res\/raw-[^/]+\//.test(n));
  const nativeLibs: NativeLib[] = [];
  for (const n of names) {
    const m = /^lib\/([^/]+)\/([^/]+\.so)$/.exec(n);
    if (m) nativeLibs.push({ abi: m[1]!, name: m[2]!, size: archive.get(n)!.size });
  }
  const nestedApks = names.filter((n) => /\.apk$/i.test(n));
  const frameworks = new Set<Framework>();
  if (names.includes('assets/index.android.bundle') || nativeLibs.some((l) => l.name === 'libreactnativejni.so' || l.name === 'libhermes.so')) frameworks.add('react-native');
  if (names.some((n) => n === 'assets/www/cordova.js' || n === 'assets/www/cordova_plugins.js')) frameworks.add('cordova');
  if (names.some((n) => n.startsWith('assets/public/') && n.endsWith('capacitor.config.json')) || names.includes('assets/capacitor.config.json')) frameworks.add('capacitor');
  if (nativeLibs.some((l) => l.name === 'libflutter.so') || names.some((n) => n.startsWith('assets/flutter_assets/'))) frameworks.add('flutter');
  if (names.some((n) => n.startsWith('assemblies/') || n.endsWith('libmonodroid.so'))) frameworks.add('xamarin');
  if (nativeLibs.some((l) => l.name === 'libunity.so')) frameworks.add('unity');

  let cache: TextFile[] | null = null;
  const textFiles = (): TextFile[] => {
    if (cache) return cache;
    cache = [];
    let total = 0;
    const candidates = [...assets, ...raw].filter((n) => TEXT_EXT.test(n) || n.startsWith('res/raw/') || !/\.[a-z0-9]+$/i.test(n.split('/').pop()!));
    if (candidates.length > MAX_TEXT_FILES) {
      warnings.push(warning(archive.file, `${candidates.length} text-like assets; only the first ${MAX_TEXT_FILES} were read`));
    }
    const decoder = new TextDecoder('utf-8', { fatal: false });
    for (const name of candidates.slice(0, MAX_TEXT_FILES)) {
      const e = archive.get(name)!;
      if (e.size > MAX_TEXT_FILE) {
        warnings.push(warning(archive.file, `${name} (${e.size} bytes) is larger than ${MAX_TEXT_FILE} bytes; not scanned`));
        continue;
      }
      if (total + e.size > MAX_TEXT_TOTAL) {
        warnings.push(warning(archive.file, `assets past ${MAX_TEXT_TOTAL} bytes of text were not scanned (from ${name})`));
        break;
      }
      try {
        const bytes = archive.read(e);
        if (!looksText(bytes)) continue;
        total += bytes.length;
        cache.push({ name, text: decoder.decode(bytes) });
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        warnings.push(warning(archive.file, `${name} not scanned: ${err.message}`));
      }
    }
    return cache;
  };
  const bytes = (name: string): Uint8Array | null => {
    const e = archive.get(name);
    if (!e || !(name.startsWith('assets/') || name.startsWith('res/'))) return null;
    if (e.size > MAX_BINARY_ASSET) {
      warnings.push(warning(archive.file, `${name} (${e.size} bytes) is larger than ${MAX_BINARY_ASSET} bytes; not scanned`));
      return null;
    }
    try {
      return archive.read(e);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      warnings.push(warning(archive.file, `${name} not scanned: ${err.message}`));
      return null;
    }
  };
  return { assets, raw, nativeLibs, nestedApks, frameworks: [...frameworks], textFiles, bytes };
}

const URL_RE = /\bhttps?:\/\/[^\s"'<>`\\)}\]]+/gi;

/** http(s) URLs in a text, trimmed of trailing punctuation. */
export function findUrls(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(URL_RE)) out.push(m[0].replace(/[.,;:!?]+$/, ''));
  return out;
}

/** Host of a URL string, or null when it has none we can read. */
export function urlHost(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(url);
  return m ? m[1]!.toLowerCase() : null;
}
