/**
 * Shapes of credentials, by provider, and value heuristics for "is this string a secret".
 *
 * Every pattern is matched on its *shape* (prefix, alphabet, length), not on whether the key is
 * live: a string that starts with `sk_live_` and has 24+ alphanumerics is reported as a Stripe
 * live secret key even if it says FAKE inside. Documentation examples (`AKIAIOSFODNN7EXAMPLE`,
 * anything containing "EXAMPLE") and placeholders (`YOUR_API_KEY`, `xxxx`, `${…}`) are skipped.
 *
 * Speed: `PREFILTER` is one regex made of the literal anchors of every pattern; a string that does
 * not match it is never tested further. Each pattern then has literal `hints` checked with
 * `includes` before its regex runs.
 *
 * Formats, from the providers' documentation:
 *  - AWS access key ids: 20 characters, a 4-letter prefix (AKIA long-term, ASIA temporary STS,
 *    ABIA/ACCA other services) then 16 of [A-Z2-7]; secret access keys: 40 base64 characters.
 *  - Stripe: secret keys `sk_live_`/`sk_test_`, restricted keys `rk_live_`/`rk_test_`, webhook
 *    signing secrets `whsec_`; publishable keys (`pk_`) are public and not reported.
 *  - GitHub: `ghp_` (classic PAT), `gho_` (OAuth), `ghu_`/`ghs_` (app user/server), `ghr_`
 *    (refresh) + 36 alphanumerics; fine-grained PATs `github_pat_` + 82 characters.
 *  - GitLab personal access tokens `glpat-` + 20 characters.
 *  - Slack: `xoxb-` (bot), `xoxp-` (user), `xoxa-`/`xoxr-`/`xoxs-`; incoming webhooks
 *    https://hooks.slack.com/services/T…/B…/….
 *  - Twilio API key SIDs `SK` + 32 hex (the account SID, `AC` + 32 hex, is an identifier).
 *  - SendGrid: `SG.` + 22 + `.` + 43 base64url characters.
 *  - Mailgun (legacy private API keys): `key-` + 32 hex.
 *  - PEM private keys: `-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED ]PRIVATE KEY-----`.
 *  - JWTs: three base64url parts, the first two JSON (`eyJ`); Supabase "anon" keys are JWTs that
 *    are meant to be public (role anon).
 *  - Google API keys `AIza` + 35 characters: identifiers meant to ship in apps (Firebase, Maps),
 *    protected by API restrictions, so reported low (MASWE-0005).
 *  - Google OAuth client secrets `GOCSPX-` + 28 characters.
 *  - Facebook user/page access tokens start with `EAA`; Facebook app secrets are 32 hex with no
 *    prefix (found through their names, e.g. `facebook_app_secret`).
 *  - Square `sq0atp-` (access token), `sq0csp-` (application secret); Shopify `shpat_`/`shpss_`/
 *    `shpca_`/`shppa_` + 32 hex; npm `npm_` + 36; OpenAI keys contain `T3BlbkFJ`; Anthropic
 *    `sk-ant-`; Telegram bot tokens `<bot id>:AA…` (35 characters after the colon);
 *    Azure storage connection strings `AccountKey=` + 88 base64; Hugging Face `hf_` + 34 letters.
 */
import type { Severity } from '../report/types.js';
import { entropy } from './session-data.js';

export interface SecretPattern {
  /** Stable id, used in fingerprints. */
  id: string;
  label: string;
  severity: Severity;
  /** At least one must occur in the text (String.includes) before `re` runs. */
  hints: string[];
  /** Global regex; `group` (default 0) is the secret value. */
  re: RegExp;
  group?: number;
  /** Extra check on the match; may lower the severity with a note. */
  judge?: (value: string, match: RegExpExecArray) => { severity?: Severity; note?: string } | false | undefined;
  /** Text shown around the (redacted) value in evidence, e.g. the URL around a password. */
  around?: (match: RegExpExecArray, text: string) => [string, string];
}

const B64URL = 'A-Za-z0-9_-';

function jsonPart(b64url: string): Record<string, unknown> | null {
  try {
    const s = Buffer.from(b64url.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export const SECRET_PATTERNS: SecretPattern[] = [
  {
    id: 'aws-access-key-id',
    label: 'AWS access key id',
    severity: 'medium',
    hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    re: /(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])/g,
    group: 1,
  },
  {
    id: 'stripe-live-secret-key',
    label: 'Stripe live secret key',
    severity: 'high',
    hints: ['sk_live_', 'rk_live_'],
    re: /(?<![A-Za-z0-9_])([sr]k_live_[0-9A-Za-z]{16,247})(?![0-9A-Za-z])/g,
    group: 1,
  },
  {
    id: 'stripe-test-secret-key',
    label: 'Stripe test-mode secret key',
    severity: 'low',
    hints: ['sk_test_', 'rk_test_'],
    re: /(?<![A-Za-z0-9_])([sr]k_test_[0-9A-Za-z]{16,247})(?![0-9A-Za-z])/g,
    group: 1,
  },
  {
    id: 'stripe-webhook-secret',
    label: 'Stripe webhook signing secret',
    severity: 'medium',
    hints: ['whsec_'],
    re: /(?<![A-Za-z0-9_])(whsec_[0-9A-Za-z]{24,})(?![0-9A-Za-z])/g,
    group: 1,
  },
  {
    id: 'github-token',
    label: 'GitHub token',
    severity: 'high',
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    re: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{40,251})(?![A-Za-z0-9_])/g,
    group: 1,
  },
  {
    id: 'gitlab-token',
    label: 'GitLab personal access token',
    severity: 'high',
    hints: ['glpat-'],
    re: /(?<![A-Za-z0-9_])(glpat-[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g,
    group: 1,
  },
  {
    id: 'slack-token',
    label: 'Slack token',
    severity: 'high',
    hints: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-'],
    re: /(?<![A-Za-z0-9])(xox[abprs]-(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/g,
    group: 1,
  },
  {
    id: 'slack-webhook',
    label: 'Slack incoming webhook URL',
    severity: 'medium',
    hints: ['hooks.slack.com/'],
    re: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,})/g,
    group: 1,
  },
  {
    id: 'twilio-api-key',
    label: 'Twilio API key SID',
    severity: 'medium',
    hints: ['SK'],
    re: /(?<![A-Za-z0-9])(SK[0-9a-f]{32})(?![A-Za-z0-9])/g,
    group: 1,
  },
  {
    id: 'sendgrid-api-key',
    label: 'SendGrid API key',
    severity: 'high',
    hints: ['SG.'],
    re: /(?<![A-Za-z0-9])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g,
    group: 1,
  },
  {
    id: 'mailgun-api-key',
    label: 'Mailgun private API key',
    severity: 'high',
    hints: ['key-'],
    re: /(?<![A-Za-z0-9-])(key-[0-9a-f]{32})(?![0-9a-zA-Z])/g,
    group: 1,
  },
  {
    id: 'private-key',
    label: 'private key (PEM)',
    severity: 'high',
    hints: ['PRIVATE KEY-----'],
    re: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----([\s\S]{0,8192}?)(?:-----END \1-----|$)/g,
    group: 0,
    judge: (value, m) => {
      const body = (m[2] ?? '').replace(/\s|\\n/g, '');
      if (body.length < 40) return false; // a header alone (a parser's constant), not a key
      return m[1]!.startsWith('ENCRYPTED') ? { severity: 'medium', note: 'encrypted with a passphrase' } : undefined;
    },
  },
  {
    id: 'jwt',
    label: 'JSON Web Token',
    severity: 'medium',
    hints: ['eyJ'],
    re: new RegExp(`(?<![${B64URL}])(eyJ[${B64URL}]{8,}\\.eyJ[${B64URL}]{8,}\\.[${B64URL}]{16,})(?![${B64URL}])`, 'g'),
    group: 1,
    judge: (value) => {
      const [h, p] = value.split('.');
      const header = jsonPart(h!);
      const payload = jsonPart(p!);
      if (!header || !payload || typeof header.alg !== 'string') return false;
      if (payload.role === 'anon') return { severity: 'low', note: 'role "anon": a public client key (Supabase-style), restricted by server-side policies' };
      if (payload.role === 'service_role') return { severity: 'critical', note: 'role "service_role": bypasses row-level security' };
      return undefined;
    },
  },
  {
    id: 'basic-auth-url',
    label: 'credentials in a URL',
    severity: 'high',
    hints: ['://'],
    // Starts with the literal "://" (a leading scheme pattern would be tried at every word of a
    // multi-megabyte bundle); the scheme is read back from the text for the evidence.
    re: /:\/\/([^\s:@/"'<>`\\]{1,64}):([^\s@/"'<>`\\]{3,128})@([A-Za-z0-9.-]+\.[A-Za-z]{2,}|localhost|\d{1,3}(?:\.\d{1,3}){3})/g,
    group: 2,
    around: (m, text) => [`${schemeBefore(text, m.index)}://${m[1]}:`, `@${m[3]}`],
    judge: (value, m) => {
      const user = m[1]!;
      if (isPlaceholder(value) || isPlaceholder(user) || /^(pass(word)?|pwd|secret|token|\*+)$/i.test(value)) return false;
      if (/%[0-9a-f]{2}/i.test(user) && /%s|%d/.test(value)) return false;
      return undefined;
    },
  },
  {
    id: 'authorization-basic',
    label: 'HTTP Basic credentials',
    severity: 'high',
    hints: ['Basic '],
    re: /\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g,
    group: 1,
    around: () => ['Basic ', ''],
    judge: (value) => {
      let decoded = '';
      try {
        decoded = Buffer.from(value, 'base64').toString('utf8');
      } catch {
        return false;
      }
      // A real Basic value decodes to "user:password" in printable characters.
      if (!/^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded)) return false;
      if (isPlaceholder(decoded.split(':')[1]!)) return false;
      return undefined;
    },
  },
  {
    id: 'authorization-bearer',
    label: 'bearer token',
    severity: 'high',
    hints: ['Bearer '],
    re: /\bBearer\s+([A-Za-z0-9._~+/-]{20,}=*)(?![A-Za-z0-9._~+/=-])/g,
    group: 1,
    around: () => ['Bearer ', ''],
    judge: (value) => (isPlaceholder(value) || entropy(value) < 3.5 ? false : undefined),
  },
  {
    id: 'google-api-key',
    label: 'Google API key',
    severity: 'low',
    hints: ['AIza'],
    re: /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g,
    group: 1,
  },
  {
    id: 'google-oauth-client-secret',
    label: 'Google OAuth client secret',
    severity: 'high',
    hints: ['GOCSPX-'],
    re: /(?<![A-Za-z0-9_-])(GOCSPX-[0-9A-Za-z_-]{28})(?![0-9A-Za-z_-])/g,
    group: 1,
  },
  {
    id: 'facebook-access-token',
    label: 'Facebook access token',
    severity: 'high',
    hints: ['EAA'],
    re: /(?<![A-Za-z0-9])(EAA[A-Za-z0-9]{80,})(?![A-Za-z0-9])/g,
    group: 1,
    judge: (value) => (/[0-9]/.test(value) && /[a-z]/.test(value) && /[A-Z].*[A-Z]/.test(value.slice(3)) ? undefined : false),
  },
  {
    id: 'square-secret',
    label: 'Square access token or application secret',
    severity: 'high',
    hints: ['sq0atp-', 'sq0csp-'],
    re: /(?<![A-Za-z0-9])(sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43})(?![0-9A-Za-z_-])/g,
    group: 1,
  },
  {
    id: 'shopify-token',
    label: 'Shopify access token or shared secret',
    severity: 'high',
    hints: ['shpat_', 'shpss_', 'shpca_', 'shppa_'],
    re: /(?<![A-Za-z0-9])(shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32})(?![A-Za-z0-9])/g,
    group: 1,
  },
  {
    id: 'npm-token',
    label: 'npm access token',
    severity: 'high',
    hints: ['npm_'],
    re: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
    group: 1,
    judge: (value) => (/[0-9]/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value.slice(4)) ? undefined : false),
  },
  {
    id: 'openai-api-key',
    label: 'OpenAI API key',
    severity: 'high',
    hints: ['T3BlbkFJ'],
    re: /(?<![A-Za-z0-9_-])(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/g,
    group: 1,
  },
  {
    id: 'anthropic-api-key',
    label: 'Anthropic API key',
    severity: 'high',
    hints: ['sk-ant-'],
    re: /(?<![A-Za-z0-9_-])(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,})(?![A-Za-z0-9_-])/g,
    group: 1,
  },
  {
    id: 'telegram-bot-token',
    label: 'Telegram bot token',
    severity: 'high',
    hints: [':AA'],
    re: /(?<![A-Za-z0-9:])(\d{8,10}:AA[0-9A-Za-z_-]{33})(?![0-9A-Za-z_-])/g,
    group: 1,
  },
  {
    id: 'azure-storage-key',
    label: 'Azure storage account key',
    severity: 'high',
    hints: ['AccountKey='],
    re: /AccountKey=([A-Za-z0-9+/]{86}==)/g,
    group: 1,
  },
  {
    id: 'huggingface-token',
    label: 'Hugging Face access token',
    severity: 'high',
    hints: ['hf_'],
    re: /(?<![A-Za-z0-9_])(hf_[A-Za-z]{34})(?![A-Za-z0-9_])/g,
    group: 1,
    judge: (value) => (/[A-Z]/.test(value) && /[a-z]/.test(value.slice(3)) && entropy(value) > 4 ? undefined : false),
  },
];

/** One regex over every pattern's anchors: a string that fails it needs no further test. */
export const PREFILTER = new RegExp(
  [...new Set(SECRET_PATTERNS.flatMap((p) => p.hints))]
    .map((h) => h.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
);

export interface SecretMatch {
  pattern: SecretPattern;
  value: string;
  /** Offset of the value in the text. */
  index: number;
  severity: Severity;
  note?: string;
  around?: [string, string];
}

/** Every provider-pattern match in `text` (documentation examples and placeholders skipped). */
/** The URL scheme ending at `at` ("https" before "://"). */
function schemeBefore(text: string, at: number): string {
  let j = at;
  while (j > 0 && at - j < 16 && /[a-z0-9+.-]/i.test(text[j - 1]!)) j--;
  return text.slice(j, at);
}

export function findSecrets(text: string): SecretMatch[] {
  if (!PREFILTER.test(text)) return [];
  const out: SecretMatch[] = [];
  for (const p of SECRET_PATTERNS) {
    if (!p.hints.some((h) => text.includes(h))) continue;
    p.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    let guard = 0;
    while ((m = p.re.exec(text)) !== null && guard++ < 1000) {
      const value = m[p.group ?? 0] ?? m[0];
      if (m[0].length === 0) p.re.lastIndex++;
      if (isExampleValue(value)) continue;
      const j = p.judge?.(value, m);
      if (j === false) continue;
      out.push({
        pattern: p,
        value,
        index: m.index + m[0].indexOf(value),
        severity: j?.severity ?? p.severity,
        ...(j?.note ? { note: j.note } : {}),
        ...(p.around ? { around: p.around(m, text) } : {}),
      });
    }
  }
  return out;
}

/** AWS secret access key candidates (40 base64 characters, random-looking), for pairing with a key id. */
export function awsSecretCandidates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g)) {
    const v = m[1]!;
    if (/[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v) && entropy(v) >= 4.2 && !isExampleValue(v)) out.push(v);
  }
  return out;
}

// ------------------------------------------------------------------------ value heuristics

/** Documentation examples: AWS's AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, "example", "sample". */
export function isExampleValue(v: string): boolean {
  return /example|sample|dummy|placeholder|your[_-]?(api[_-]?)?(key|token|secret)|<[^>]*>|x{6,}|X{6,}|\*{4,}|0{12,}/i.test(v) || /(.)\1{7,}/.test(v);
}

/** Values that stand for "put your secret here", or are not values at all. */
export function isPlaceholder(v: string): boolean {
  const s = v.trim();
  if (s.length === 0) return true;
  if (/^(null|nil|none|undefined|true|false|changeme|change_me|change-me|password|passwd|secret|token|apikey|api_key|todo|tbd|n\/a|na|default|test|testing|demo|empty|unknown|value|string|\?+|-+|_+|\.+|\*+|x+|0+)$/i.test(s)) return true;
  if (/^(\$\{[^}]*\}|\{\{[^}]*\}\}|%\d*\$?[sd]|@string\/|@\w+\/|\$\(|%\(|\$[A-Z_]+$)/.test(s)) return true;
  if (/^(your|my|insert|enter|replace|put|add)[_\- ]/i.test(s) || /_here$|-here$|^<.*>$/i.test(s)) return true;
  return isExampleValue(s);
}

/** A name, not a value: `auth_token`, `accessToken`, `AUTH_TOKEN`, `com.example.pref`, `x-api-key`. */
export function looksLikeIdentifier(v: string): boolean {
  return (
    /^[a-z][a-z0-9]*(?:[_.:-][a-z0-9]+)*$/.test(v) ||
    /^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(v) ||
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v) ||
    /^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$/.test(v) ||
    /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)+$/.test(v)
  );
}

/** Character classes present: lower, upper, digit, other. */
export function charClasses(v: string): number {
  return Number(/[a-z]/.test(v)) + Number(/[A-Z]/.test(v)) + Number(/[0-9]/.test(v)) + Number(/[^A-Za-z0-9]/.test(v));
}

/** An alphabet or a run ("ABCDEFGHIJ…", "0123456789", "abcdef"): a charset constant, not a secret. */
export function looksLikeAlphabet(v: string): boolean {
  let run = 1;
  for (let i = 1; i < v.length; i++) {
    run = v.charCodeAt(i) === v.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/**
 * Whether a string assigned to a secret-named field/key looks like a real secret value:
 * not a placeholder, not another name, not a URL, path, format or sentence, and random enough
 * (passwords: 6+ characters of 2+ classes; other secrets: 8+ characters, entropy >= 3).
 */
export function plausibleSecretValue(v: string, kind: 'password' | 'secret', relaxed = false): boolean {
  const s = v.trim();
  if (s.length < (kind === 'password' ? 6 : 8) || s.length > 512) return false;
  if (isPlaceholder(s)) return false;
  if (/\s/.test(s)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('/') || s.startsWith('./') || /^[a-z]+(\.[A-Za-z0-9_$]+){2,}$/.test(s)) return false;
  if (/%[0-9]*\$?[sdif]|\{\d\}|\$\{/.test(s)) return false;
  if (/^L[a-z][\w/$]*;$/.test(s) || /\.(png|jpg|xml|json|html?|js|css|txt|so|dex|apk)$/i.test(s)) return false;
  if (!relaxed && looksLikeIdentifier(s)) return false;
  if (looksLikeAlphabet(s)) return false;
  if (kind === 'password') return charClasses(s) >= 2 || (relaxed && s.length >= 8);
  return (entropy(s) >= 3 && charClasses(s) >= 2) || (relaxed && s.length >= 10 && entropy(s) >= 3);
}
