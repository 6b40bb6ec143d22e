/** Public types of the call-site index (see index.ts for how the index is built and queried). */

import type { ReadWarning } from '../../apk/errors.js';
import type { DexFile } from '../../apk/dex.js';

// ---------------------------------------------------------------- public types

export interface MethodKey {
  /** "Lcom/example/Foo;" */
  class: string;
  name: string;
  /** "(Ljava/lang/String;I)V" */
  proto: string;
}

export type InvokeKind = 'virtual' | 'super' | 'direct' | 'static' | 'interface' | 'polymorphic' | 'custom';

export type ArgValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number | bigint }
  | { kind: 'class'; value: string }
  | { kind: 'result'; of: string }
  | { kind: 'new'; type: string }
  | { kind: 'field'; ref: string }
  | { kind: 'unknown' };

export interface CallSite {
  /** Dex file name, e.g. "classes2.dex". */
  dex: string;
  caller: MethodKey;
  /** Full ref "Lx;->m(..)R"; for invoke-custom "call_site@N" (N = call_site_id index). */
  target: string;
  invokeKind: InvokeKind;
  /** Code-unit offset of the invoke inside the caller. */
  pc: number;
  /** One entry per logical argument, the receiver first for non-static invokes. */
  args: ArgValue[];
}

export interface MethodSummary {
  key: MethodKey;
  dex: string;
  accessFlags: number;
  hasCode: boolean;
  /** Unique invoke targets, in order of first appearance. */
  invokes: string[];
  fieldsRead: string[];
  fieldsWritten: string[];
  /** const-string values, unique, in order of first appearance. */
  strings: string[];
}

export interface ClassSummary {
  name: string;
  superclass: string | null;
  interfaces: string[];
  accessFlags: number;
  sourceFile: string | null;
  dex: string;
}

export interface StringSite {
  dex: string;
  caller: MethodKey;
  pc: number;
}

export interface FieldAccess {
  dex: string;
  caller: MethodKey;
  /** Full field ref "Lx;->name:Ltype;". */
  field: string;
  pc: number;
  access: 'read' | 'write';
  static: boolean;
}

export interface StaticStringValue {
  kind: 'static-value';
  /** Full field ref of the static field. */
  field: string;
  value: string;
  dex: string;
}

export interface CodeIndexStats {
  dexFiles: number;
  classes: number;
  /** Methods with a code item that was walked. */
  methods: number;
  methodIds: number;
  strings: number;
  callSites: number;
  instructions: number;
}

export interface CallsToOptions {
  /**
   * Also match calls whose method ref names a class of the app that extends/implements the
   * queried class (e.g. `LMyWebView;->loadUrl` for `Landroid/webkit/WebView;->loadUrl`).
   */
  subtypes?: boolean;
}

export interface CodeIndex {
  readonly stats: CodeIndexStats;
  /** Warnings of the dex files (parse) and of the walk; grows if a lazy query finds more. */
  readonly warnings: ReadWarning[];
  readonly dexes: readonly DexFile[];
  /**
   * Every invoke of `ref` in every dex, in dex order then code order. `ref` is a full method ref,
   * a ref without proto (all overloads), "*->name[(proto)]" (any class) or "call_site@N".
   * Results are cached per ref; the array returned is a copy, its objects are shared.
   */
  callsTo(ref: string, options?: CallsToOptions): CallSite[];
  /** The distinct callers of `ref` (same matching as callsTo). */
  callersOf(ref: string, options?: CallsToOptions): MethodKey[];
  /** Every method defined in the dex files (with or without code), summaries built lazily. */
  methods(): Iterable<MethodSummary>;
  /**
   * A method defined by the class (the first definition of the class across the dex files, as
   * the runtime would load it). Without `proto`, the first overload in class_data order.
   */
  method(classDesc: string, name: string, proto?: string): MethodSummary | undefined;
  /** Every defined method of the class with that name (all overloads). */
  overloads(classDesc: string, name: string): MethodSummary[];
  /** const-string loads whose value passes `predicate` (tested once per distinct string), grouped by value. */
  stringSites(predicate: (s: string) => boolean): { value: string; sites: StringSite[] }[];
  /** Every string of every string table (type names, member names, literals...), decoded lazily. */
  allStrings(): Iterable<{ value: string; dex: string }>;
  /** String initial values of static fields (class_def static_values), e.g. `static final String URL`. */
  staticStringValues(): StaticStringValue[];
  /** Every class definition of every dex, duplicates included. */
  classes(): Iterable<ClassSummary>;
  /** The first definition of a class across the dex files. */
  classByName(desc: string): ClassSummary | undefined;
  /** App classes (transitively) extending or implementing `desc`, not including it. */
  subtypesOf(desc: string): string[];
  /** Reads and writes of a field: "Lx;->name:Ltype;" or "Lx;->name" (any type). */
  fieldAccesses(ref: string): FieldAccess[];
}
