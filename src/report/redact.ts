/**
 * Secrets never appear in a report unless the user asks (--show-secrets): a value is replaced by
 * its first characters, its length and a short sha256, enough to recognise it and to match it
 * against the same value elsewhere, not enough to use it.
 */
import { createHash } from 'node:crypto';

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** How many leading characters stay visible: 4, fewer for short values (a 6-char PIN shows 1). */
function visible(len: number): number {
  if (len <= 4) return 0;
  if (len <= 8) return 1;
  return 4;
}

export function redact(value: string, show = false): string {
  if (show) return value;
  const n = visible(value.length);
  return `${value.slice(0, n)}… (redacted, ${value.length} chars, sha256 ${sha256Hex(value).slice(0, 12)})`;
}
