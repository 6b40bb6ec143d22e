/** Builds AxmlDocument trees by hand for model tests of structures a compiler would not emit. */
import type { AxmlAttribute, AxmlDocument, AxmlElement } from '../../src/apk/axml.js';
import type { ResValue } from '../../src/apk/res-value.js';

let line = 1;

export function str(value: string): ResValue {
  return { type: 'string', value, index: 0 };
}
export function bool(value: boolean): ResValue {
  return { type: 'bool', value };
}
export function int(value: number): ResValue {
  return { type: 'int-dec', value };
}
export function ref(id: number): ResValue {
  return { type: 'reference', id };
}

/** Attributes: plain names are un-namespaced; `android:x` gets the android namespace. */
export function el(name: string, attrs: Record<string, ResValue> = {}, children: (AxmlElement | string)[] = []): AxmlElement {
  const attributes: AxmlAttribute[] = Object.entries(attrs).map(([k, value]) => {
    const android = k.startsWith('android:');
    return {
      ns: android ? 'http://schemas.android.com/apk/res/android' : null,
      name: android ? k.slice(8) : k,
      resourceId: null,
      raw: value.type === 'string' ? value.value : null,
      value,
    };
  });
  const kids = children.filter((c): c is AxmlElement => typeof c !== 'string');
  const text = children.filter((c): c is string => typeof c === 'string').join('') || null;
  return { ns: null, name, line: line++, attributes, children: kids, text };
}

export function doc(root: AxmlElement): AxmlDocument {
  return { root, namespaces: [], warnings: [] };
}
