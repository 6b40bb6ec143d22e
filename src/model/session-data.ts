/**
 * What counts as session data: key names (SharedPreferences keys, column names, file names,
 * JSON fields) and value shapes (JWTs, bearer headers, long random-looking strings).
 *
 * Names are split into words (camelCase, snake_case, kebab-case, dots) before matching, so
 * "authToken", "AUTH_TOKEN" and "auth-token" match while "shipping", "spinner" or "tokenizer" do not.
 */

export type SessionKind = 'token' | 'password' | 'session' | 'cookie' | 'secret' | 'pin' | 'credential';

export interface SessionKeyMatch {
  kind: SessionKind;
  /** 'high' for words that are session data in practice; 'medium' for broader ones (auth, session). */
  strength: 'high' | 'medium';
  word: string;
}

const STRONG: Record<string, SessionKind> = {
  token: 'token', tokens: 'token', accesstoken: 'token', authtoken: 'token', refreshtoken: 'token', idtoken: 'token',
  jwt: 'token', bearer: 'token', oauth: 'token', apitoken: 'token', sessiontoken: 'token', xsrf: 'token', csrf: 'token',
  password: 'password', passwd: 'password', pwd: 'password', passphrase: 'password', passcode: 'password',
  sessionid: 'session', sid: 'session', jsessionid: 'session', phpsessid: 'session',
  cookie: 'cookie', cookies: 'cookie',
  secret: 'secret', clientsecret: 'secret', privatekey: 'secret', apikey: 'secret',
  pin: 'pin', pincode: 'pin', otp: 'pin', totp: 'pin',
  credential: 'credential', credentials: 'credential', creds: 'credential',
};
const MEDIUM: Record<string, SessionKind> = {
  auth: 'token', authorization: 'token', refresh: 'token', session: 'session', pass: 'password',
};
/** Words that make a key about the secret's metadata rather than the secret. */
const META = new Set(['type', 'expiry', 'expires', 'expire', 'expiration', 'exp', 'ttl', 'url', 'uri', 'endpoint', 'length', 'len', 'count', 'hint', 'label', 'title', 'enabled', 'required', 'visible', 'field', 'policy', 'prompt', 'message', 'msg', 'error', 'timeout', 'time', 'timestamp', 'date', 'status', 'state', 'attempts', 'retries', 'mode', 'provider', 'method', 'scheme', 'format', 'header', 'name', 'id_key']);

/** Splits an identifier into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a key name denotes session data. Joined pairs count too ("access" + "token" also matches
 * as "accesstoken"). Extra patterns (regex sources from the config file) match the whole name.
 */
export function classifyKey(name: string, extraPatterns: readonly string[] = []): SessionKeyMatch | null {
  if (!name || name.length > 200) return null;
  for (const p of extraPatterns) {
    try {
      if (new RegExp(p, 'i').test(name)) return { kind: 'token', strength: 'high', word: name };
    } catch {
      // An invalid pattern is reported when the config is loaded; ignore it here.
    }
  }
  const w = words(name);
  if (w.length === 0 || w.length > 8) return null;
  const last = w[w.length - 1]!;
  if (w.length > 1 && META.has(last)) return null;
  const candidates = [...w];
  for (let i = 0; i + 1 < w.length; i++) candidates.push(w[i]! + w[i + 1]!);
  candidates.push(w.join(''));
  for (const c of candidates) {
    const k = STRONG[c];
    if (k) return { kind: k, strength: 'high', word: c };
  }
  for (const c of candidates) {
    const k = MEDIUM[c];
    if (k) return { kind: k, strength: 'medium', word: c };
  }
  return null;
}

export type ValueShape = 'jwt' | 'bearer' | 'basic-auth' | 'opaque-token';

const JWT = /^eyJ[A-Za-z0-9_-]{2,}\.(?:eyJ)?[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The shape of a constant value when it looks like a credential itself. */
export function classifyValue(value: string): ValueShape | null {
  const v = value.trim();
  if (v.length < 16 || v.length > 8192) return null;
  if (/^Bearer\s+[A-Za-z0-9._~+/=-]{16,}$/i.test(v)) return 'bearer';
  if (/^Basic\s+[A-Za-z0-9+/=]{12,}$/.test(v)) return 'basic-auth';
  if (JWT.test(v) && v.length >= 24) return 'jwt';
  if (/^[A-Za-z0-9_\-+/=.]{32,}$/.test(v) && entropy(v) >= 4.2 && /[0-9]/.test(v) && /[A-Za-z]/.test(v)) return 'opaque-token';
  return null;
}
