/**
 * The credentials typed during the run: kept in memory only to mask them out of everything the
 * stage prints or stores (progress, errors, page sources, the Appium log, reports). Values
 * shorter than 3 characters are not masked as substrings (that would garble ordinary text);
 * they are still never put into messages by the stage itself.
 */
import { createHash } from 'node:crypto';

export const MASK = '[masked]';

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function sha256(s: string | Uint8Array): string {
  return createHash('sha256').update(s).digest('hex');
}

export class Secrets {
  private readonly values = new Set<string>();

  constructor(values: Iterable<string> = []) {
    for (const v of values) this.add(v);
  }

  add(value: string): void {
    if (value) this.values.add(value);
  }

  get size(): number {
    return this.values.size;
  }

  /** sha256 of every secret (to compare with values found on the device). */
  hashes(): Set<string> {
    return new Set([...this.values].map((v) => sha256(v)));
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  /** Replaces every secret (raw, XML-escaped, JSON-escaped and URL-encoded) with [masked]. */
  mask(text: string): string {
    if (!text || this.values.size === 0) return text;
    let out = text;
    const forms = new Set<string>();
    for (const v of this.values) {
      if (v.length < 3) continue;
      forms.add(v);
      forms.add(xmlEscape(v));
      forms.add(JSON.stringify(v).slice(1, -1));
      forms.add(encodeURIComponent(v));
    }
    // Longest first so that a secret containing another is masked whole.
    for (const f of [...forms].sort((a, b) => b.length - a.length)) {
      if (f) out = out.split(f).join(MASK);
    }
    return out;
  }
}

/**
 * Masks a UiAutomator page source: every secret, and the text of every password field
 * (`password="true"`), whatever it contains.
 */
export function maskPageSource(xml: string, secrets: Secrets): string {
  const masked = secrets.mask(xml);
  return masked.replace(/<[^>]*\bpassword="true"[^>]*>/g, (tag) =>
    tag.replace(/\btext="[^"]*"/, (t) => (t === 'text=""' ? t : `text="${MASK}"`)),
  );
}
