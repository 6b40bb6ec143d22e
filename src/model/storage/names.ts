/** Small helpers on refs and names, and the rendering of a value origin. */

import type { MethodKey } from '../code-index.js';
import type { ValueOrigin } from './types.js';

// ------------------------------------------------------------------------------------ small helpers

interface ParsedRef {
  cls: string;
  name: string;
  params: string[];
}

const parsedRefs = new Map<string, ParsedRef>();

/** "Lx;->m(ILjava/lang/String;)V" -> class, name, parameter types. */
export function parseRef(ref: string): ParsedRef {
  let p = parsedRefs.get(ref);
  if (p) return p;
  const arrow = ref.indexOf('->');
  const cls = arrow > 0 ? ref.slice(0, arrow) : '';
  const tail = arrow > 0 ? ref.slice(arrow + 2) : ref;
  const open = tail.indexOf('(');
  const name = open >= 0 ? tail.slice(0, open) : tail;
  const params: string[] = [];
  if (open >= 0) {
    const close = tail.indexOf(')', open);
    const sig = tail.slice(open + 1, close < 0 ? tail.length : close);
    let i = 0;
    while (i < sig.length) {
      let j = i;
      while (sig[j] === '[') j++;
      if (sig[j] === 'L') {
        const semi = sig.indexOf(';', j);
        j = semi < 0 ? sig.length : semi + 1;
      } else j++;
      params.push(sig.slice(i, j));
      i = j;
    }
  }
  p = { cls, name, params };
  if (parsedRefs.size > 50_000) parsedRefs.clear();
  parsedRefs.set(ref, p);
  return p;
}

export function methodRefOf(k: MethodKey): string {
  return `${k.class}->${k.name}${k.proto}`;
}

/** "Lcom/example/Foo$Bar;" -> "Foo$Bar". */
export function simpleClassName(desc: string): string {
  const s = desc.replace(/^L/, '').replace(/;$/, '');
  return s.slice(s.lastIndexOf('/') + 1);
}

/** "Lcom/example/Foo;->bar(I)V" -> "Foo.bar()". */
export function shortRef(ref: string): string {
  if (ref.startsWith('call_site@')) return 'string concatenation';
  const p = parseRef(ref);
  return `${simpleClassName(p.cls)}.${p.name}()`;
}

export function fieldName(ref: string): string {
  const arrow = ref.indexOf('->');
  const tail = arrow >= 0 ? ref.slice(arrow + 2) : ref;
  const colon = tail.indexOf(':');
  return colon >= 0 ? tail.slice(0, colon) : tail;
}

export function fieldType(ref: string): string {
  const colon = ref.lastIndexOf(':');
  return colon >= 0 ? ref.slice(colon + 1) : '';
}

export const UNKNOWN_ORIGIN: ValueOrigin = Object.freeze({ kind: 'unknown', text: '', through: [] }) as ValueOrigin;

/** A short human rendering of an origin, for evidence (constants are left to the caller to redact). */
export function describeOrigin(o: ValueOrigin, redactConst: (s: string) => string = (s) => JSON.stringify(s)): string {
  const via = o.through.length > 0 ? `${o.through.map(shortRef).join(' of ')} of ` : '';
  switch (o.kind) {
    case 'const':
      return `${via}constant ${redactConst(o.text)}`;
    case 'null':
      return 'null';
    case 'number':
      return `${via}number ${o.text}`;
    case 'call':
      return `${via}result of ${shortRef(o.text)}${o.key !== undefined ? `("${o.key}")` : ''}`;
    case 'field':
      return `${via}field ${simpleClassName(o.text.slice(0, o.text.indexOf('->')))}.${fieldName(o.text)}`;
    case 'parameter':
      return `${via}parameter ${Number(o.text) + 1} of ${o.method ? `${simpleClassName(o.method.class)}.${o.method.name}()` : 'the method'}`;
    case 'input':
      return `${via}text typed into ${o.text}`;
    case 'concat':
      return `${via}concatenation ${(o.parts ?? []).map((p) => (p.kind === 'const' ? redactConst(p.text) : `<${describeOrigin(p, redactConst)}>`)).join(' + ')}`;
    case 'new':
      return `${via}new ${simpleClassName(o.text)}`;
    default:
      return `${via}unknown value`;
  }
}
