/** Session classification of names seen in code and of value origins. */

import { classifyKey, classifyValue } from '../session-data.js';
import { fieldName, fieldType, parseRef, simpleClassName } from './names.js';
import type { SessionMatch, ValueOrigin } from './types.js';

export function fromKeyMatch(m: ReturnType<typeof classifyKey>, by: SessionMatch['by']): SessionMatch | null {
  return m ? { kind: m.kind, strength: m.strength, word: m.word, by } : null;
}

/**
 * Names that use the session words for something else: media/audio/cast sessions and their
 * tokens, package-installer and camera capture sessions, parser/lexer tokens.
 */
const OTHER_SESSIONS = /audio|media|playback|cast|capture|camera|install|tts|speech|voice|video|player|router|xpath|xml|parser|lexer|tokeniz|scanner|grammar|syntax|wifi|bluetooth|nfc|usb/i;

/** Types a secret value can have (a String, its bytes or chars, or an untyped Object). */
const VALUE_TYPES = new Set(['Ljava/lang/String;', 'Ljava/lang/CharSequence;', '[B', '[C', 'Ljava/lang/Object;', 'Landroid/text/Editable;', 'Ljava/lang/StringBuilder;']);

/**
 * Tokens that are not credentials: push/messaging registration tokens, pagination and sync
 * cursors, captcha results. Storing or logging them is not a session flaw.
 */
const NOT_AUTH_TOKENS = /push|fcm|gcm|firebase|notif|messaging|registration|onesignal|apns|pusher|page|paging|sync|continuation|cursor|captcha/i;
/** Trailing words that make a session word describe something about the session, not the secret. */
const ABOUT_SESSION = new Set(['start', 'end', 'started', 'ended', 'duration', 'version', 'index', 'position', 'size', 'dir', 'path', 'level', 'limit', 'key', 'keys', 'alias']);

/**
 * classifyKey for a name seen in code (a stored key, a getter, field or view name, a log label),
 * minus names of other kinds of sessions (media, installer, parser tokens), non-credential tokens
 * (push registration, pagination) and names about a session rather than of it ("session_start").
 * Extra patterns from the configuration always win.
 */
export function classifyName(name: string, extra: readonly string[] = []): ReturnType<typeof classifyKey> {
  const m = classifyKey(name, extra);
  if (!m) return null;
  if (m.word === name && extra.some((p) => safeTest(p, name))) return m;
  if (OTHER_SESSIONS.test(name)) return null;
  if (m.kind === 'token' && NOT_AUTH_TOKENS.test(name)) return null;
  const w = name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
  const last = (w[w.length - 1] ?? '').toLowerCase();
  if (w.length > 1 && ABOUT_SESSION.has(last)) return null;
  return m;
}

function safeTest(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'i').test(name);
  } catch {
    return false;
  }
}

/** Session classification of a value by where it comes from (getter, field, input field, keyed getter, constant shape). */
export function originSession(o: ValueOrigin, extra: readonly string[] = []): SessionMatch | null {
  switch (o.kind) {
    case 'const': {
      const shape = classifyValue(o.text);
      if (!shape) return null;
      return { kind: shape === 'basic-auth' ? 'credential' : 'token', strength: 'high', word: shape, by: 'value' };
    }
    case 'call': {
      if (o.key !== undefined) return fromKeyMatch(classifyName(o.key, extra), 'origin');
      const p = parseRef(o.text);
      if (p.cls.startsWith('Ljava/') || p.cls.startsWith('Lkotlin/') || p.cls.startsWith('Landroid/widget/') || p.cls.startsWith('Landroid/text/')) return null;
      if (!VALUE_TYPES.has(o.text.slice(o.text.lastIndexOf(')') + 1))) return null;
      if (OTHER_SESSIONS.test(simpleClassName(p.cls))) return null;
      return fromKeyMatch(classifyName(p.name, extra), 'origin');
    }
    case 'field': {
      if (!VALUE_TYPES.has(fieldType(o.text))) return null;
      if (OTHER_SESSIONS.test(simpleClassName(o.text.slice(0, o.text.indexOf('->'))))) return null;
      return fromKeyMatch(classifyName(fieldName(o.text), extra), 'origin');
    }
    case 'input':
      return fromKeyMatch(classifyName(o.text.replace(/^id\//, ''), extra), 'origin');
    case 'concat':
    case 'new': {
      let best: SessionMatch | null = null;
      for (const p of o.parts ?? []) {
        if (p.kind === 'const' && o.kind === 'concat') continue;
        const m = originSession(p, extra);
        if (m && (!best || (best.strength === 'medium' && m.strength === 'high'))) best = m;
      }
      return best;
    }
    default:
      return null;
  }
}
