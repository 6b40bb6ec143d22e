/** The query layer: CodeIndex over the DexCode of every dex, and lazily built method summaries. */

import type { ReadWarning } from '../../apk/errors.js';
import { NO_INDEX, type DexFile, type DexClass, type EncodedValue } from '../../apk/dex.js';
import { DexCode } from './dex-code.js';
import type {
  CallSite,
  CallsToOptions,
  ClassSummary,
  CodeIndex,
  CodeIndexStats,
  FieldAccess,
  MethodKey,
  MethodSummary,
  StaticStringValue,
  StringSite,
} from './types.js';
import { Walker } from './walk.js';

// ---------------------------------------------------------------- queries

interface ParsedRef {
  cls: string;
  name: string;
  /** "(..)R" for methods, the field type for fields; null = any. */
  rest: string | null;
}

function parseMethodRef(ref: string): ParsedRef | null {
  const arrow = ref.indexOf('->');
  if (arrow <= 0) return null;
  const cls = ref.slice(0, arrow);
  const tail = ref.slice(arrow + 2);
  const paren = tail.indexOf('(');
  if (paren < 0) return { cls, name: tail, rest: null };
  return { cls, name: tail.slice(0, paren), rest: tail.slice(paren) };
}

function parseFieldRef(ref: string): ParsedRef | null {
  const arrow = ref.indexOf('->');
  if (arrow <= 0) return null;
  const cls = ref.slice(0, arrow);
  const tail = ref.slice(arrow + 2);
  const colon = tail.indexOf(':');
  if (colon < 0) return { cls, name: tail, rest: null };
  return { cls, name: tail.slice(0, colon), rest: tail.slice(colon + 1) };
}

class LazyMethodSummary implements MethodSummary {
  private cache: { invokes: string[]; fieldsRead: string[]; fieldsWritten: string[]; strings: string[] } | null = null;
  constructor(private readonly dc: DexCode, private readonly slot: number) {}
  get key(): MethodKey {
    return this.dc.slotKey(this.slot);
  }
  get dex(): string {
    return this.dc.name;
  }
  get accessFlags(): number {
    return this.dc.dex.methodSlotAccess[this.slot] >>> 0;
  }
  get hasCode(): boolean {
    return this.dc.dex.methodSlotCodeOff[this.slot] !== 0;
  }
  private compute(): NonNullable<LazyMethodSummary['cache']> {
    if (this.cache) return this.cache;
    const dc = this.dc;
    const d = dc.dex;
    const s = this.slot;
    const invokes = new Set<string>();
    for (let i = dc.siteStart[s]; i < dc.siteStart[s + 1]; i++) {
      const op = dc.sites.op[i];
      invokes.add(op === 0xfc || op === 0xfd ? `call_site@${dc.sites.target[i]}` : d.methodRef(dc.sites.target[i]));
    }
    const read = new Set<string>();
    const written = new Set<string>();
    for (let i = dc.fieldStart[s]; i < dc.fieldStart[s + 1]; i++) {
      const op = dc.fields.op[i];
      const ref = d.fieldRef(dc.fields.idx[i]);
      if ((op >= 0x52 && op <= 0x58) || (op >= 0x60 && op <= 0x66)) read.add(ref);
      else written.add(ref);
    }
    const strings = new Set<string>();
    for (let i = dc.constStart[s]; i < dc.constStart[s + 1]; i++) strings.add(d.string(dc.consts.idx[i]));
    this.cache = { invokes: [...invokes], fieldsRead: [...read], fieldsWritten: [...written], strings: [...strings] };
    return this.cache;
  }
  get invokes(): string[] {
    return this.compute().invokes;
  }
  get fieldsRead(): string[] {
    return this.compute().fieldsRead;
  }
  get fieldsWritten(): string[] {
    return this.compute().fieldsWritten;
  }
  get strings(): string[] {
    return this.compute().strings;
  }
  toJSON(): MethodSummary {
    return { key: this.key, dex: this.dex, accessFlags: this.accessFlags, hasCode: this.hasCode, ...this.compute() };
  }
}

class CodeIndexImpl implements CodeIndex {
  readonly stats: CodeIndexStats;
  readonly warnings: ReadWarning[];
  private readonly codes: DexCode[];
  private classMap: Map<string, { dc: DexCode; cls: DexClass }> | null = null;
  private childMap: Map<string, string[]> | null = null;
  private staticStrings: StaticStringValue[] | null = null;
  private callCache = new Map<string, CallSite[]>();

  constructor(readonly dexes: readonly DexFile[]) {
    this.warnings = [];
    this.codes = [];
    let classes = 0;
    let methodIds = 0;
    let strings = 0;
    let callSites = 0;
    let instructions = 0;
    let methods = 0;
    for (const dex of dexes) {
      this.warnings.push(...dex.warnings);
      const dc = new DexCode(dex);
      const walker = new Walker(dc);
      walker.walkAll();
      this.warnings.push(...walker.warnings);
      this.codes.push(dc);
      classes += dex.classes.length;
      methodIds += dex.header.methodIdsSize;
      strings += dex.header.stringIdsSize;
      callSites += dc.sites.n;
      instructions += dc.instructions;
      methods += dc.methodsWalked;
    }
    this.stats = { dexFiles: dexes.length, classes, methods, methodIds, strings, callSites, instructions };
  }

  private siteIndexes(ref: string, options?: CallsToOptions): { dc: DexCode; sites: Int32Array }[] {
    if (ref.startsWith('call_site@')) return this.customSites(Number(ref.slice(10)));
    const parsed = parseMethodRef(ref);
    if (parsed === null) return [];
    const wildcard = parsed.cls === '*';
    const classes = [parsed.cls];
    if (options?.subtypes && !wildcard) classes.push(...this.subtypesOf(parsed.cls));
    const out: { dc: DexCode; sites: Int32Array }[] = [];
    for (const dc of this.codes) {
      const ids: number[] = [];
      if (wildcard) {
        ids.push(...dc.methodIdsNamed(parsed.name, parsed.rest));
      } else {
        for (const cls of classes) {
          const t = dc.typeId(cls);
          if (t >= 0) ids.push(...dc.methodIds(t, parsed.name, parsed.rest));
        }
      }
      const lists = ids.map((m) => dc.sitesOfTarget(m)).filter((l) => l.length > 0);
      if (lists.length === 1) out.push({ dc, sites: lists[0] });
      else if (lists.length > 1) {
        // Several method ids matched (overloads, subtypes): merge into code order.
        const merged = new Int32Array(lists.reduce((a, l) => a + l.length, 0));
        let k = 0;
        for (const l of lists) {
          merged.set(l, k);
          k += l.length;
        }
        out.push({ dc, sites: merged.sort() });
      }
    }
    return out;
  }

  /** invoke-custom sites of call_site_id #n in every dex (a linear scan: they are rare). */
  private customSites(n: number): { dc: DexCode; sites: Int32Array }[] {
    const out: { dc: DexCode; sites: Int32Array }[] = [];
    if (!Number.isInteger(n)) return out;
    for (const dc of this.codes) {
      const S = dc.sites;
      const hits: number[] = [];
      for (let i = 0; i < S.n; i++) if ((S.op[i] === 0xfc || S.op[i] === 0xfd) && S.target[i] === n) hits.push(i);
      if (hits.length > 0) out.push({ dc, sites: Int32Array.from(hits) });
    }
    return out;
  }

  callsTo(ref: string, options?: CallsToOptions): CallSite[] {
    const cacheKey = options?.subtypes ? `${ref}\u0000sub` : ref;
    let cached = this.callCache.get(cacheKey);
    if (cached === undefined) {
      cached = [];
      for (const { dc, sites } of this.siteIndexes(ref, options)) for (const i of sites) cached.push(dc.site(i));
      this.callCache.set(cacheKey, cached);
    }
    return cached.slice();
  }

  callersOf(ref: string, options?: CallsToOptions): MethodKey[] {
    const seen = new Set<MethodKey>();
    for (const { dc, sites } of this.siteIndexes(ref, options)) {
      for (const i of sites) seen.add(dc.slotKey(dc.sites.slot[i]));
    }
    return [...seen];
  }

  *methods(): Iterable<MethodSummary> {
    for (const dc of this.codes) {
      const n = dc.dex.methodSlotIdx.length;
      for (let s = 0; s < n; s++) yield new LazyMethodSummary(dc, s);
    }
  }

  overloads(classDesc: string, name: string): MethodSummary[] {
    const hit = this.classEntry(classDesc);
    if (!hit) return [];
    const { dc, cls } = hit;
    const d = dc.dex;
    const out: MethodSummary[] = [];
    for (let s = cls.methodStart; s < cls.methodEnd; s++) {
      if (d.methodName(d.methodSlotIdx[s]) === name) out.push(new LazyMethodSummary(dc, s));
    }
    return out;
  }

  method(classDesc: string, name: string, proto?: string): MethodSummary | undefined {
    const all = this.overloads(classDesc, name);
    if (proto === undefined) return all[0];
    return all.find((m) => m.key.proto === proto);
  }

  stringSites(predicate: (s: string) => boolean): { value: string; sites: StringSite[] }[] {
    const byValue = new Map<string, StringSite[]>();
    for (const dc of this.codes) {
      const d = dc.dex;
      const C = dc.consts;
      // Test each distinct string once.
      const verdict = new Int8Array(d.header.stringIdsSize); // 0 untested, 1 yes, -1 no
      for (let i = 0; i < C.n; i++) {
        const s = C.idx[i];
        let v = verdict[s];
        if (v === 0) {
          v = predicate(d.string(s)) ? 1 : -1;
          verdict[s] = v;
        }
        if (v < 0) continue;
        const value = d.string(s);
        let list = byValue.get(value);
        if (!list) byValue.set(value, (list = []));
        list.push({ dex: dc.name, caller: dc.slotKey(C.slot[i]), pc: C.pc[i] });
      }
    }
    return [...byValue].map(([value, sites]) => ({ value, sites }));
  }

  *allStrings(): Iterable<{ value: string; dex: string }> {
    for (const dc of this.codes) {
      const n = dc.dex.header.stringIdsSize;
      for (let i = 0; i < n; i++) yield { value: dc.dex.string(i), dex: dc.name };
    }
  }

  staticStringValues(): StaticStringValue[] {
    if (this.staticStrings === null) {
      const out: StaticStringValue[] = [];
      for (const dc of this.codes) {
        const d = dc.dex;
        const before = d.warnings.length;
        for (const cls of d.classes) {
          if (cls.staticValuesOff === 0) continue;
          const values: EncodedValue[] = cls.staticValues();
          const n = Math.min(values.length, cls.staticFieldCount);
          for (let k = 0; k < n; k++) {
            const v = values[k];
            if (v.type === 'string') {
              out.push({ kind: 'static-value', field: d.fieldRef(d.fieldSlotIdx[cls.fieldStart + k]), value: v.value, dex: d.file });
            }
          }
        }
        this.warnings.push(...d.warnings.slice(before));
      }
      this.staticStrings = out;
    }
    return this.staticStrings.slice();
  }

  private classEntries(): Map<string, { dc: DexCode; cls: DexClass }> {
    if (this.classMap === null) {
      const m = new Map<string, { dc: DexCode; cls: DexClass }>();
      for (const dc of this.codes) {
        for (const cls of dc.dex.classes) {
          const name = cls.name;
          if (!m.has(name)) m.set(name, { dc, cls }); // first definition wins, as for the runtime
        }
      }
      this.classMap = m;
    }
    return this.classMap;
  }

  private classEntry(desc: string): { dc: DexCode; cls: DexClass } | undefined {
    return this.classEntries().get(desc);
  }

  *classes(): Iterable<ClassSummary> {
    for (const dc of this.codes) for (const cls of dc.dex.classes) yield summarizeClass(dc, cls);
  }

  classByName(desc: string): ClassSummary | undefined {
    const hit = this.classEntry(desc);
    return hit ? summarizeClass(hit.dc, hit.cls) : undefined;
  }

  subtypesOf(desc: string): string[] {
    if (this.childMap === null) {
      const children = new Map<string, string[]>();
      for (const [name, { cls }] of this.classEntries()) {
        const parents = cls.superclassIdx === NO_INDEX ? [] : [cls.superclass as string];
        parents.push(...cls.interfaces);
        for (const p of parents) {
          let l = children.get(p);
          if (!l) children.set(p, (l = []));
          l.push(name);
        }
      }
      this.childMap = children;
    }
    const out: string[] = [];
    const seen = new Set<string>([desc]);
    const queue = [desc];
    while (queue.length > 0) {
      const c = queue.shift() as string;
      for (const k of this.childMap.get(c) ?? []) {
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(k);
        queue.push(k);
      }
    }
    return out;
  }

  fieldAccesses(ref: string): FieldAccess[] {
    const parsed = parseFieldRef(ref);
    if (parsed === null) return [];
    const out: FieldAccess[] = [];
    for (const dc of this.codes) {
      const t = dc.typeId(parsed.cls);
      if (t < 0) continue;
      const F = dc.fields;
      const idxs: number[] = [];
      for (const f of dc.fieldIds(t, parsed.name, parsed.rest)) idxs.push(...dc.accessesOfField(f));
      idxs.sort((a, b) => a - b);
      for (const i of idxs) {
        const op = F.op[i];
        out.push({
          dex: dc.name,
          caller: dc.slotKey(F.slot[i]),
          field: dc.dex.fieldRef(F.idx[i]),
          pc: F.pc[i],
          access: (op >= 0x52 && op <= 0x58) || (op >= 0x60 && op <= 0x66) ? 'read' : 'write',
          static: op >= 0x60,
        });
      }
    }
    return out;
  }
}

function summarizeClass(dc: DexCode, cls: DexClass): ClassSummary {
  return {
    name: cls.name,
    superclass: cls.superclass,
    interfaces: cls.interfaces,
    accessFlags: cls.accessFlags,
    sourceFile: cls.sourceFile,
    dex: dc.name,
  };
}

/**
 * Walks every method of every dex and returns the query index. Never throws on bad code: problems
 * are in `warnings` (together with the warnings the dex files collected while parsing).
 */
export function buildCodeIndex(dexes: DexFile[]): CodeIndex {
  return new CodeIndexImpl(dexes);
}
