/**
 * Whether a method, class or label names a session secret (token, session id, nonce, OTP,
 * password...), for rules that ask "does this value become a token?". Stricter than classifyKey:
 * that one classifies storage keys; this one also reads code names, where "isTokenExpired",
 * "nextToken" (a tokenizer) or "getTokenUrl" are about a token without producing one.
 */
import { classifyKey, words } from './session-data.js';

const WORDS = new Set([
  'token', 'tokens', 'accesstoken', 'authtoken', 'refreshtoken', 'idtoken', 'sessiontoken', 'apitoken',
  'session', 'sessionid', 'sid', 'jsessionid', 'nonce', 'cnonce', 'otp', 'totp', 'hotp', 'onetimepassword',
  'password', 'passwd', 'pwd', 'passphrase', 'passcode', 'pin', 'pincode', 'secret', 'clientsecret',
  'csrf', 'xsrf', 'cookie', 'apikey', 'jwt', 'bearer', 'verifier', 'codeverifier', 'authcode',
]);

/** Last words that make a name about the token's metadata rather than the token. */
const META_LAST = new Set([
  'expiry', 'expires', 'expire', 'expired', 'expiration', 'exp', 'ttl', 'timeout', 'time', 'timestamp', 'date', 'age',
  'length', 'len', 'count', 'size', 'type', 'url', 'uri', 'endpoint', 'header', 'name', 'valid', 'validity', 'listener',
  'callback', 'manager', 'store', 'storage', 'cache', 'dao', 'repository', 'service', 'provider', 'adapter', 'view',
  'activity', 'fragment', 'dialog', 'exception', 'error', 'request', 'response', 'parser', 'reader', 'writer',
]);

/** First words of predicates, cleanup and I/O code: they use a token, they do not make one. */
const NOT_MAKING_FIRST = new Set([
  'is', 'has', 'check', 'validate', 'verify', 'should', 'can', 'was', 'clear', 'remove', 'delete', 'invalidate',
  'revoke', 'log', 'print', 'dump', 'parse', 'read', 'load', 'save', 'store', 'persist', 'write', 'on', 'handle',
  'skip', 'peek', 'consume', 'expect', 'scan', 'lex', 'tokenize', 'decode', 'compare', 'equals', 'matches',
  'send', 'post', 'upload', 'restore', 'reset', 'logout', 'revoked', 'expire', 'expired', 'show', 'display',
]);

export interface TokenNameMatch {
  word: string;
}

/**
 * The token word in a code name ("newToken" -> token, "generateSessionId" -> session), or null.
 * `makerOnly` also rejects names that start like a predicate or a cleanup ("isTokenValid",
 * "clearSession") and tokenizers ("nextToken", "peekToken").
 */
export function tokenWordIn(name: string, makerOnly = true): TokenNameMatch | null {
  if (!name || name.length > 120) return null;
  const w = words(name);
  if (w.length === 0 || w.length > 8) return null;
  if (w.length > 1 && META_LAST.has(w[w.length - 1]!)) return null;
  if (makerOnly && NOT_MAKING_FIRST.has(w[0]!)) return null;
  if (makerOnly && w.includes('token') && (w[0] === 'next' || w.includes('tokenizer') || w.includes('tokens') && w[0] === 'count')) return null;
  const cands = [...w];
  for (let i = 0; i + 1 < w.length; i++) cands.push(w[i]! + w[i + 1]!);
  for (const c of cands) if (WORDS.has(c)) return { word: c };
  return null;
}

/**
 * The token word in a label or key inside a string (`"&session_id="`, `","nonce":`, `"X-Auth-Token"`),
 * or null. Only short strings count (a sentence that mentions a token is not a label).
 */
export function tokenLabelIn(s: string): TokenNameMatch | null {
  if (!s || s.length > 48) return null;
  const k = classifyKey(s);
  if (k) return { word: k.word };
  const w = words(s);
  if (w.length === 0 || w.length > 4) return null;
  if (w.length > 1 && META_LAST.has(w[w.length - 1]!)) return null;
  for (const x of w) if (x === 'nonce' || x === 'otp' || x === 'cnonce' || x === 'sid') return { word: x };
  return null;
}
