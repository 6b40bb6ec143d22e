/** Short human names for code and endpoint locations in finding messages. */
import type { MethodKey } from './code-index.js';
import type { EndpointSource } from './endpoints.js';

/** "Lcom/example/Foo$Bar;" -> "Foo$Bar". */
export function simpleClass(desc: string): string {
  const inner = desc.startsWith('L') && desc.endsWith(';') ? desc.slice(1, -1) : desc.replace(/\./g, '/');
  return inner.slice(inner.lastIndexOf('/') + 1);
}

/** "Lcom/example/Foo;" -> "com.example.Foo". */
export function javaName(desc: string): string {
  return desc.startsWith('L') && desc.endsWith(';') ? desc.slice(1, -1).replace(/\//g, '.') : desc;
}

/** "com.example.Foo" -> "Lcom/example/Foo;". */
export function descriptorOf(javaClass: string): string {
  return `L${javaClass.replace(/\./g, '/')};`;
}

export function methodLabel(m: MethodKey): string {
  return `${simpleClass(m.class)}.${m.name}()`;
}

/** "Lx/Config;->API_BASE:Ljava/lang/String;" -> "Config.API_BASE". */
export function fieldLabel(ref: string): string {
  const arrow = ref.indexOf('->');
  const cls = ref.slice(0, arrow);
  const name = ref.slice(arrow + 2).replace(/:.*$/, '');
  return `${simpleClass(cls)}.${name}`;
}

export function sourceLabel(s: EndpointSource): string {
  switch (s.kind) {
    case 'code':
      return `${methodLabel(s.method)}${s.library ? ` [${s.library}]` : ''}`;
    case 'field':
      return `${fieldLabel(s.field)}${s.library ? ` [${s.library}]` : ''}`;
    case 'resource':
      return s.name;
    case 'asset':
      return s.file;
  }
}
