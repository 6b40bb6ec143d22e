/**
 * Typed attribute values to plain values, following resource references through resources.arsc
 * the way Android's TypedArray does: the default configuration's value is the one reported, and a
 * reference whose target cannot be found yields null (callers say "unresolved" rather than guess).
 */
import { type AxmlAttribute, type AxmlElement, getAttr, ANDROID_NS } from '../apk/axml.js';
import type { ResourceTable } from '../apk/arsc.js';
import type { ResValue } from '../apk/res-value.js';

export class ValueResolver {
  constructor(readonly table: ResourceTable | null) {}

  /** The value a reference finally points at (default configuration), or the value itself. */
  deref(v: ResValue): ResValue | null {
    let cur: ResValue = v;
    for (let depth = 0; depth < 8; depth++) {
      if (cur.type !== 'reference' && cur.type !== 'dynamic-reference') return cur;
      if (!this.table) return null;
      const vals = this.table.resolve(cur.id);
      const first = vals[0]?.value;
      if (!first || !('type' in first)) return null;
      if (first === cur) return null;
      cur = first as ResValue;
    }
    return null;
  }

  bool(v: ResValue | undefined | null): boolean | null {
    if (!v) return null;
    const d = this.deref(v);
    if (!d) return null;
    switch (d.type) {
      case 'bool':
        return d.value;
      case 'int-dec':
      case 'int-hex':
        return d.value !== 0;
      case 'string': {
        // XmlUtils.convertValueToBoolean: "true" in any case, or a non-zero number.
        const s = d.value.trim();
        if (/^true$/i.test(s)) return true;
        if (/^false$/i.test(s)) return false;
        const n = Number(s);
        return Number.isFinite(n) ? n !== 0 : null;
      }
      default:
        return null;
    }
  }

  int(v: ResValue | undefined | null): number | null {
    if (!v) return null;
    const d = this.deref(v);
    if (!d) return null;
    if (d.type === 'int-dec' || d.type === 'int-hex') return d.value;
    if (d.type === 'float') return Math.trunc(d.value);
    if (d.type === 'string') {
      const n = Number(d.value.trim());
      return Number.isInteger(n) ? n : null;
    }
    return null;
  }

  string(v: ResValue | undefined | null): string | null {
    if (!v) return null;
    const d = this.deref(v);
    if (!d) return null;
    switch (d.type) {
      case 'string':
        return d.value;
      case 'int-dec':
        return String(d.value);
      case 'int-hex':
        return `0x${(d.value >>> 0).toString(16)}`;
      case 'bool':
        return String(d.value);
      case 'float':
        return String(d.value);
      default:
        return null;
    }
  }

  /** The res/ file paths a file reference (e.g. @xml/network_security_config) names, default config first. */
  files(v: ResValue | undefined | null): string[] {
    if (!v || !this.table) return [];
    if (v.type !== 'reference' && v.type !== 'dynamic-reference') return [];
    return this.table.resolveFile(v.id);
  }

  /** `@xml/name` style label for a reference, for reports. */
  refName(v: ResValue | undefined | null): string | null {
    if (!v || (v.type !== 'reference' && v.type !== 'dynamic-reference')) return null;
    const name = this.table?.nameOf(v.id);
    if (!name) return `@0x${(v.id >>> 0).toString(16).padStart(8, '0')}`;
    return `@${name.replace(/^[^:]*:/, '')}`;
  }

  // Element-level conveniences for android: attributes.
  attr(el: AxmlElement, name: string): AxmlAttribute | undefined {
    return getAttr(el, name, ANDROID_NS);
  }
  attrBool(el: AxmlElement, name: string): boolean | null {
    return this.bool(this.attr(el, name)?.value);
  }
  attrInt(el: AxmlElement, name: string): number | null {
    return this.int(this.attr(el, name)?.value);
  }
  attrString(el: AxmlElement, name: string): string | null {
    return this.string(this.attr(el, name)?.value);
  }
}
