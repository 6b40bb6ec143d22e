/**
 * Errors shared by every format reader in src/apk/.
 *
 * A reader throws FormatError when it cannot produce a usable structure at all; when it can
 * produce part of one it returns it and lists what it skipped as warnings instead.
 */

export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    /** The file inside the APK (or the APK itself) that is broken, e.g. "classes2.dex". */
    readonly file: string,
    /** The structure that is broken, e.g. "string pool", "method_ids", "central directory". */
    readonly part: string,
    /** Byte offset of the broken structure inside `file`, when known. */
    readonly offset: number | null,
    readonly detail: string,
  ) {
    super(`${file}: ${part}${offset === null ? '' : ` at offset 0x${offset.toString(16)}`}: ${detail}`);
  }
}

/** Something a reader skipped or could not read; the result it belongs to is partial. */
export interface ReadWarning {
  code: 'analysis-incomplete' | 'suspicious-structure';
  file: string;
  message: string;
}

export function warning(file: string, message: string, code: ReadWarning['code'] = 'analysis-incomplete'): ReadWarning {
  return { code, file, message };
}
