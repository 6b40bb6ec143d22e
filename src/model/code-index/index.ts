/**
 * Call-site index over the code of every dex file of an app: the query layer rules use.
 *
 * buildCodeIndex walks every method once. For each method it records, in flat typed arrays per
 * dex, its invoke instructions (target method id, opcode, pc, and the tracked value of each
 * argument register), its field accesses and its const-string loads. Nothing is turned into a
 * string during the walk: method/field/type/string ids stay integers, and strings, refs and
 * objects are built only for what a query returns. Lookup tables (target -> call sites, type name
 * -> type id, ...) are built per dex on the first query that needs them.
 *
 * Constant propagation (per method, forward, in linear instruction order):
 *  - const/4, /16, /high16, const and const-wide* give {kind:'int'} (the raw bits: a float or
 *    double constant shows as its bit pattern; 64-bit values that do not fit a double exactly are
 *    bigints); const-string(/jumbo) gives {kind:'string'}; const-class gives {kind:'class'};
 *    move, move-object, move-wide and their /from16 and /16 forms copy a value;
 *    move-result* right after an invoke gives {kind:'result', of: target};
 *    new-instance / new-array give {kind:'new'}; iget* / sget* give {kind:'field'};
 *    check-cast keeps the value; any other write kills the register (both halves for wide ones).
 *  - Control flow is not followed: the state flows from one instruction to the next in address
 *    order, across forward branches ("keep-linear-order"). All registers are cleared at the start
 *    of every exception handler and at every target of a backward branch (loop heads), where the
 *    linear state would most often be wrong. Loop heads are found while walking; a method that
 *    has one is walked again from its first loop head with the clearing applied (everything
 *    before it is unaffected). So a value seen at a call site was written on the straight-line
 *    path before it, or on some path reaching it through a forward jump; a value written only on
 *    the other arm of an if/else may be reported.
 *  - Invalid or unreachable code never throws: a truncated instruction or payload ends the walk
 *    of that method with a warning; a switch/fill-array-data payload outside the method or a
 *    branch outside the method only adds a warning.
 *
 * Queries name methods in smali form, "Lcom/example/Foo;->bar(Ljava/lang/String;I)V"; without the
 * proto ("Lcom/example/Foo;->bar") they match every overload; with "*" as the class
 * ("*->getSharedPreferences") they match the name on any class, which is how to find a framework
 * method called through an app subclass (`LMyActivity;->getSharedPreferences`). invoke-custom
 * sites are kept under "call_site@N" (N = call_site_id index). A method ref is matched as written
 * in the invoke: no virtual dispatch is resolved (see CallsToOptions.subtypes for app subclasses).
 */

export type {
  ArgValue,
  CallSite,
  CallsToOptions,
  ClassSummary,
  CodeIndex,
  CodeIndexStats,
  FieldAccess,
  InvokeKind,
  MethodKey,
  MethodSummary,
  StaticStringValue,
  StringSite,
} from './types.js';
export { buildCodeIndex } from './query.js';
