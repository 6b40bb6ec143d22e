/**
 * Call-site index tests. Reference values were obtained at development time with `dexdump -d`
 * on every dex of the APKs:
 *  - instructions: disassembly lines ("|pppp: op ...") minus the payload pseudo-instructions
 *    (packed-switch-data, sparse-switch-data, array-data); nops count;
 *  - call sites: lines whose opcode starts with "invoke-"; methods: "insns size" lines;
 *  - strings / method ids: string_ids_size / method_ids_size of `dexdump -f`, summed;
 *  - per-method invoke lists and const-string arguments: read off the listed disassembly.
 * During development the index was also compared with dexdump on every invoke of every dex of
 * these APKs (caller, pc, target: all equal) and, for every method without branches or try
 * blocks, on which const-string reaches each invoke argument (all equal).
 */
import AdmZip from 'adm-zip';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDex, type DexFile } from '../../src/apk/dex.js';
import { buildCodeIndex, type ArgValue, type CallSite, type CodeIndex } from '../../src/model/code-index.js';
import { CORPUS_DIR, NPM_APKS, ROOT, corpusApk } from '../helpers/apks.js';

const FIXTURES = join(ROOT, 'test/fixtures/dex-src');
const fixtureIndex = (name: string): CodeIndex => buildCodeIndex([parseDex(new Uint8Array(readFileSync(join(FIXTURES, name))), name)]);

const zips = new Map<string, AdmZip>();
function dexesOf(apk: string): DexFile[] {
  let z = zips.get(apk);
  if (!z) zips.set(apk, (z = new AdmZip(apk)));
  return z
    .getEntries()
    .map((e) => e.entryName)
    .filter((n) => /^classes\d*\.dex$/.test(n))
    .sort((a, b) => Number(a.slice(7, -4) || 1) - Number(b.slice(7, -4) || 1))
    .map((n) => parseDex(new Uint8Array(z!.getEntry(n)!.getData()), n));
}

const S = (value: string): ArgValue => ({ kind: 'string', value });
const I = (value: number | bigint): ArgValue => ({ kind: 'int', value });
const U: ArgValue = { kind: 'unknown' };
const R = (of: string): ArgValue => ({ kind: 'result', of });
const key = (cls: string, name: string, proto: string) => ({ class: cls, name, proto });
const sitesIn = (index: CodeIndex, target: string, callerName: string): CallSite[] => index.callsTo(target).filter((s) => s.caller.name === callerName);

// ------------------------------------------------------------------ fixture: basic.dex

describe('fixture basic.dex', () => {
  const index = fixtureIndex('basic.dex');
  const USE = 'Lfix/Session;->use(Ljava/lang/Object;)V';
  const EDITOR = 'Landroid/content/SharedPreferences$Editor;';

  it('counts like dexdump -d', () => {
    expect(index.stats).toEqual({ dexFiles: 1, classes: 2, methods: 14, methodIds: 23, strings: 70, callSites: 22, instructions: 98 });
    expect(index.warnings).toEqual([]);
  });

  it('follows constants through moves and move-result into the receiver', () => {
    const GET = 'Landroid/content/Context;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;';
    const EDIT = 'Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;';
    const PUT = `${EDITOR}->putString(Ljava/lang/String;Ljava/lang/String;)Landroid/content/SharedPreferences$Editor;`;
    const caller = key('Lfix/Session;', 'save', '(Landroid/content/Context;Ljava/lang/String;)V');
    expect(index.callsTo(GET)).toEqual([{ dex: 'basic.dex', caller, target: GET, invokeKind: 'virtual', pc: 3, args: [U, S('session_prefs'), I(0)] }]);
    expect(index.callsTo(EDIT)).toEqual([{ dex: 'basic.dex', caller, target: EDIT, invokeKind: 'interface', pc: 7, args: [R(GET)] }]);
    expect(index.callsTo(PUT)).toEqual([{ dex: 'basic.dex', caller, target: PUT, invokeKind: 'interface', pc: 14, args: [R(EDIT), S('auth_token'), U] }]);
    // without a proto: every overload of the name
    expect(index.callsTo(`${EDITOR}->putString`)).toEqual(index.callsTo(PUT));
    expect(index.callsTo(`${EDITOR}->apply`)[0].args).toEqual([R(PUT)]);
  });

  it('kills a register written by anything else', () => {
    const put = index.callsTo(`${EDITOR}->putInt`);
    expect(put).toHaveLength(1);
    // v3 is a parameter; v1 was overwritten by move-result; v0 by add-int/lit8
    expect(put[0].args).toEqual([U, R('Lfix/Session;->makeKey()Ljava/lang/String;'), U]);
    expect(sitesIn(index, USE, 'killed')[0].args).toEqual([U]); // move-object from a parameter
  });

  it('gives one argument per logical argument for wide values, with 64-bit constants', () => {
    const [site] = index.callsTo('Lfix/Session;->takesWide');
    expect(site.invokeKind).toBe('static');
    expect(site.pc).toBe(0x10);
    expect(site.args).toEqual([I(0x0123456789abcdefn), S('after-wide'), I(-2), I(0x7f800000), I(0x12345678), I(0x4000000000000000n)]);
  });

  it('tracks classes, new instances and fields through /range invokes', () => {
    const [seven] = index.callsTo('Lfix/Session;->seven');
    expect(seven.args).toEqual([
      { kind: 'class', value: 'Lfix/Session;' },
      { kind: 'new', type: 'Ljava/lang/StringBuilder;' },
      { kind: 'field', ref: 'Lfix/Session;->BASE_URL:Ljava/lang/String;' },
      { kind: 'field', ref: 'Lfix/Session;->token:Ljava/lang/String;' },
      I(-1),
      U, // move-object/from16 of a parameter
      { kind: 'field', ref: 'Lfix/Session;->BASE_URL:Ljava/lang/String;' }, // move-object/16
    ]);
    const self = index.callsTo('Lfix/Session;->range(Ljava/lang/Object;)V');
    expect(self.map((s) => [s.caller.class, s.invokeKind, s.pc, s.args])).toEqual([
      ['Lfix/Session;', 'virtual', 0x11, [U, U]],
    ]);
    expect(index.callsTo('Lfix/Child;->range')[0].args).toEqual([U, S('child')]);
  });

  it('clears registers at exception handlers and loop heads, keeps linear order elsewhere', () => {
    expect(sitesIn(index, USE, 'flow').map((s) => [s.pc, s.args[0]])).toEqual([
      [0x02, S('before-try')],
      [0x07, S('in-try')],
      [0x0b, U], // catch handler: cleared
      [0x14, U], // loop head (target of the backward if-lt): cleared, although "loop-a" is linear
      [0x19, S('in-loop')],
    ]);
    // code after the switch/array payloads is walked, with the value set before them
    expect(sitesIn(index, USE, 'switches').map((s) => [s.pc, s.args])).toEqual([[0x32, [S('before-switch')]]]);
  });

  it('decodes unicode, supplementary and NUL-carrying strings', () => {
    expect(sitesIn(index, USE, 'unicode').map((s) => s.args[0])).toEqual([S('\u00e9t\u00e9 \u4e2d\u6587 \u{1F600}!'), S('a\u0000b')]);
  });

  it('summarises methods', () => {
    const save = index.method('Lfix/Session;', 'save')!;
    expect(save.key).toEqual(key('Lfix/Session;', 'save', '(Landroid/content/Context;Ljava/lang/String;)V'));
    expect(save.dex).toBe('basic.dex');
    expect(save.accessFlags).toBe(0x9);
    expect(save.hasCode).toBe(true);
    expect(save.invokes).toEqual([
      'Landroid/content/Context;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;',
      'Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;',
      `${EDITOR}->putString(Ljava/lang/String;Ljava/lang/String;)Landroid/content/SharedPreferences$Editor;`,
      `${EDITOR}->apply()V`,
    ]);
    expect(save.strings).toEqual(['session_prefs', 'auth_token']);
    const range = index.method('Lfix/Session;', 'range', '(Ljava/lang/Object;)V')!;
    expect(range.fieldsRead).toEqual(['Lfix/Session;->BASE_URL:Ljava/lang/String;', 'Lfix/Session;->token:Ljava/lang/String;']);
    expect(range.fieldsWritten).toEqual(['Lfix/Session;->token:Ljava/lang/String;', 'Lfix/Session;->counter:I']);
    expect(index.method('Lfix/Session;', 'range', '()V')).toBeUndefined();
    expect(index.method('Lfix/Session;', 'nativeMethod')!.hasCode).toBe(false);
    expect(index.method('Lfix/Nope;', 'x')).toBeUndefined();
    expect(index.overloads('Lfix/Session;', '<init>').map((m) => m.key.proto)).toEqual(['()V']);
    const all = [...index.methods()];
    expect(all).toHaveLength(15); // 13 in Session (one native), 2 in Child
    expect(all.filter((m) => m.hasCode)).toHaveLength(index.stats.methods);
    expect(JSON.parse(JSON.stringify(save)).invokes).toHaveLength(4);
  });

  it('finds callers, classes, subtypes and field accesses', () => {
    expect(index.callersOf(USE).map((k) => k.name)).toEqual(['flow', 'killed', 'switches', 'unicode']);
    expect(index.callersOf('Lfix/Session;-><init>')).toEqual([key('Lfix/Child;', '<init>', '()V')]);
    expect([...index.classes()]).toEqual([
      { name: 'Lfix/Session;', superclass: 'Ljava/lang/Object;', interfaces: [], accessFlags: 1, sourceFile: 'Session.java', dex: 'basic.dex' },
      { name: 'Lfix/Child;', superclass: 'Lfix/Session;', interfaces: ['Ljava/lang/Runnable;'], accessFlags: 1, sourceFile: 'Child.java', dex: 'basic.dex' },
    ]);
    expect(index.classByName('Lfix/Child;')?.superclass).toBe('Lfix/Session;');
    expect(index.classByName('Lfix/Missing;')).toBeUndefined();
    expect(index.subtypesOf('Lfix/Session;')).toEqual(['Lfix/Child;']);
    expect(index.subtypesOf('Ljava/lang/Runnable;')).toEqual(['Lfix/Child;']);
    // Child.run calls Lfix/Child;->range, which a query on Session finds only with subtypes
    expect(index.callsTo('Lfix/Session;->range').map((s) => s.caller.name)).toEqual(['range']);
    expect(index.callsTo('Lfix/Session;->range', { subtypes: true }).map((s) => s.caller.name)).toEqual(['range', 'run']);
    expect(index.fieldAccesses('Lfix/Session;->token:Ljava/lang/String;').map((a) => [a.caller.name, a.pc, a.access, a.static])).toEqual([
      ['range', 0x09, 'read', false],
      ['range', 0x19, 'write', false],
    ]);
    expect(index.fieldAccesses('Lfix/Session;->counter').map((a) => [a.pc, a.access, a.static, a.field])).toEqual([[0x1b, 'write', true, 'Lfix/Session;->counter:I']]);
  });

  it('finds strings: const-string sites, the whole string table, static final values', () => {
    // The static final URLs are no const-string loads; Child.run loads one that reaches no call.
    const http = index.stringSites((s) => s.startsWith('http'));
    expect(http).toEqual([{ value: 'http://child.example.com/login', sites: [{ dex: 'basic.dex', caller: key('Lfix/Child;', 'run', '()V'), pc: 5 }] }]);
    const loads = index.stringSites((s) => s.includes('loop'));
    expect(loads.map((l) => [l.value, l.sites.map((s) => [s.caller.name, s.pc])])).toEqual([
      ['loop-a', [['flow', 0x11]]],
      ['in-loop', [['flow', 0x17]]],
      ['loop-b', [['flow', 0x1c]]],
    ]);
    const strings = [...index.allStrings()].map((s) => s.value);
    expect(strings).toHaveLength(70);
    expect(strings).toContain('http://api.example.com/v1');
    expect(index.staticStringValues()).toEqual([
      { kind: 'static-value', field: 'Lfix/Session;->BASE_URL:Ljava/lang/String;', value: 'http://api.example.com/v1', dex: 'basic.dex' },
      { kind: 'static-value', field: 'Lfix/Session;->HOST:Ljava/lang/String;', value: 'example.com', dex: 'basic.dex' },
    ]);
  });

  it('answers queries for unknown names with nothing', () => {
    expect(index.callsTo('Lnope/Nope;->x')).toEqual([]);
    expect(index.callsTo('not a ref')).toEqual([]);
    expect(index.callsTo('Lfix/Session;->nothing')).toEqual([]);
    expect(index.callsTo('*->nothingAtAll')).toEqual([]);
    expect(index.fieldAccesses('Lfix/Session;->nope')).toEqual([]);
  });
});

// ------------------------------------------------------------------ fixture: modern.dex

describe('fixture modern.dex (invoke-polymorphic, invoke-custom)', () => {
  const index = fixtureIndex('modern.dex');
  it('maps polymorphic arguments with the call-site proto', () => {
    const [p] = index.callsTo('Ljava/lang/invoke/MethodHandle;->invoke');
    // proto (IJ)Ljava/lang/String;: receiver, int 7, long 9 (two registers)
    expect([p.invokeKind, p.pc, p.args]).toEqual(['polymorphic', 7, [U, I(7), I(9)]]);
    expect(index.callsTo('Ljava/lang/invoke/MethodHandle;->invokeExact')[0].args).toEqual([U]);
    expect(sitesIn(index, 'Lfix/Modern;->use(Ljava/lang/Object;)V', 'modern').map((s) => s.args[0])).toEqual([
      R('Ljava/lang/invoke/MethodHandle;->invoke([Ljava/lang/Object;)Ljava/lang/Object;'),
      U, // move-result-object after invoke-custom
    ]);
  });
  it('keeps invoke-custom sites under their call_site id, arguments mapped with its method type', () => {
    const m = index.method('Lfix/Modern;', 'modern')!;
    expect(m.invokes.filter((t) => t.startsWith('call_site@')).sort()).toEqual(['call_site@0', 'call_site@1']);
    const c1 = index.callsTo('call_site@1');
    expect(c1.map((s) => [s.invokeKind, s.pc, s.target, s.args])).toEqual([['custom', 0x15, 'call_site@1', [S('custom-arg'), I(7)]]]);
    // (JLjava/lang/Object;Ljava/lang/String;)V over v3..v6
    expect(index.callsTo('call_site@0')[0].args).toEqual([I(9), R('Ljava/lang/invoke/MethodHandle;->invoke([Ljava/lang/Object;)Ljava/lang/Object;'), S('custom-arg')]);
    expect(index.stats.callSites).toBe(6);
  });
});

// ------------------------------------------------------------------ real APKs vs dexdump

// [entry, instructions, invoke sites, methods with code] from dexdump -d
type Row = [string, number, number, number];
const PER_DEX: Record<string, Row[]> = {
  [NPM_APKS.uia2server]: [
    ['classes.dex', 788501, 184664, 53859], ['classes2.dex', 22, 11, 11], ['classes3.dex', 185, 61, 16], ['classes4.dex', 1973, 593, 134],
    ['classes5.dex', 369, 92, 21], ['classes6.dex', 6487, 1845, 379], ['classes7.dex', 277, 79, 8], ['classes8.dex', 5571, 1393, 295],
    ['classes9.dex', 2908, 959, 197], ['classes10.dex', 2705, 740, 352], ['classes11.dex', 4846, 1113, 242], ['classes12.dex', 196, 55, 68],
    ['classes13.dex', 1475, 387, 117], ['classes14.dex', 97, 31, 16], ['classes15.dex', 9, 4, 4], ['classes16.dex', 368301, 53701, 14096],
  ],
  [NPM_APKS.uia2test]: [['classes.dex', 33642, 7232, 1909], ['classes2.dex', 2, 1, 1], ['classes3.dex', 7, 2, 2], ['classes4.dex', 20, 8, 2]],
  [NPM_APKS.settings]: [
    ['classes.dex', 423765, 104586, 32582], ['classes2.dex', 408, 99, 107], ['classes3.dex', 937, 289, 59], ['classes4.dex', 252, 74, 17],
    ['classes5.dex', 1915, 576, 114], ['classes6.dex', 1527, 376, 65], ['classes7.dex', 84, 27, 9], ['classes8.dex', 166, 57, 11],
    ['classes9.dex', 3368, 935, 707],
  ],
  [NPM_APKS.apidemos]: [['classes.dex', 443476, 110225, 32124]],
};

describe('walking every method of every dex (compared with dexdump -d)', () => {
  for (const [apk, rows] of Object.entries(PER_DEX)) {
    it(apk.split('/').pop()!, () => {
      const dexes = dexesOf(apk);
      const got: Row[] = dexes.map((d) => {
        const s = buildCodeIndex([d]).stats;
        return [d.file, s.instructions, s.callSites, s.methods];
      });
      expect(got).toEqual(rows);
      const all = buildCodeIndex(dexes);
      expect(all.stats.instructions).toBe(rows.reduce((a, r) => a + r[1], 0));
      expect(all.stats.callSites).toBe(rows.reduce((a, r) => a + r[2], 0));
      expect(all.warnings).toEqual([]);
    });
  }
});

describe('uiautomator2 server APK (16 dex)', () => {
  const index = buildCodeIndex(dexesOf(NPM_APKS.uia2server));

  it('has the totals of dexdump', () => {
    expect(index.stats).toEqual({ dexFiles: 16, classes: 9575, methods: 69815, methodIds: 88729, strings: 112355, callSites: 245728, instructions: 1183922 });
  });

  it('lists the invokes of AppiumResponse.renderTo in dexdump order', () => {
    const HR = 'Lio/appium/uiautomator2/http/IHttpResponse;';
    const expected: [number, string][] = [
      [0x02, `${HR}->setContentType(Ljava/lang/String;)${HR}`],
      [0x07, `${HR}->setEncoding(Ljava/nio/charset/Charset;)${HR}`],
      [0x0a, 'Lio/appium/uiautomator2/http/AppiumResponse;->getHttpStatus()Lio/netty/handler/codec/http/HttpResponseStatus;'],
      [0x0e, 'Lio/netty/handler/codec/http/HttpResponseStatus;->code()I'],
      [0x12, `${HR}->setStatus(I)${HR}`],
      [0x1f, 'Lio/appium/uiautomator2/http/AppiumResponse;->formatException(Ljava/lang/Throwable;)Lio/appium/uiautomator2/model/api/server/ErrorModel;'],
      [0x2a, 'Lio/appium/uiautomator2/model/api/server/ResponseModel;-><init>(Ljava/lang/Object;Ljava/lang/String;)V'],
      [0x2d, 'Lio/appium/uiautomator2/utils/ModelUtils;->toJsonString(Ljava/lang/Object;)Ljava/lang/String;'],
      [0x39, 'Lio/appium/uiautomator2/utils/StringHelpers;->abbreviate(Ljava/lang/String;I)Ljava/lang/String;'],
      [0x41, 'Ljava/lang/String;->format(Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/String;'],
      [0x49, 'Lio/appium/uiautomator2/utils/Logger;->info([Ljava/lang/Object;)V'],
      [0x4c, `${HR}->setContent(Ljava/lang/String;)${HR}`],
      [0x54, 'Lio/appium/uiautomator2/utils/Logger;->error(Ljava/lang/String;Ljava/lang/Throwable;)V'],
      [0x59, `${HR}->setContent(Ljava/lang/String;)${HR}`],
      [0x5e, 'Lio/netty/handler/codec/http/HttpResponseStatus;->code()I'],
      [0x62, `${HR}->setStatus(I)${HR}`],
    ];
    const m = index.method('Lio/appium/uiautomator2/http/AppiumResponse;', 'renderTo')!;
    expect(m.dex).toBe('classes10.dex');
    expect(m.invokes).toEqual([...new Set(expected.map((e) => e[1]))]);
    const sites = m.invokes.flatMap((t) => index.callsTo(t)).filter((s) => s.caller.name === 'renderTo' && s.caller.class === 'Lio/appium/uiautomator2/http/AppiumResponse;');
    expect(sites.sort((a, b) => a.pc - b.pc).map((s) => [s.pc, s.target])).toEqual(expected);
    const at = (pc: number) => sites.find((s) => s.pc === pc)!.args;
    expect(at(0x02)).toEqual([U, S('application/json')]);
    expect(at(0x07)).toEqual([U, { kind: 'field', ref: 'Ljava/nio/charset/StandardCharsets;->UTF_8:Ljava/nio/charset/Charset;' }]);
    expect(at(0x12)).toEqual([U, R('Lio/netty/handler/codec/http/HttpResponseStatus;->code()I')]);
    expect(at(0x41)).toEqual([S('AppiumResponse: %s'), U]); // v5 is filled-new-array's result
    expect(at(0x54)).toEqual([S('Unable to create JSON Object'), U]); // in a catch handler, after move-exception
  });

  it('finds every call of StringBuilder.append like dexdump', () => {
    // grep -c 'invoke-.*Ljava/lang/StringBuilder;.append:(Ljava/lang/String;)' over the 16 disassemblies
    const APPEND = 'Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;';
    expect(index.callsTo(APPEND)).toHaveLength(9038);
    expect(index.callsTo('Ljava/lang/StringBuilder;->append')).toHaveLength(13002);
    expect(index.callersOf(APPEND)).toHaveLength(2591);
    expect(index.callsTo('Landroid/content/SharedPreferences$Editor;->putString')).toEqual([]);
    const m = index.method('Lio/appium/uiautomator2/http/ServerHandler;', 'exceptionCaught')!;
    expect(m.invokes).toEqual([
      'Lio/appium/uiautomator2/utils/Logger;->error(Ljava/lang/String;Ljava/lang/Throwable;)V',
      'Lio/netty/channel/ChannelHandlerContext;->close()Lio/netty/channel/ChannelFuture;',
      'Lio/netty/channel/ChannelInboundHandlerAdapter;->exceptionCaught(Lio/netty/channel/ChannelHandlerContext;Ljava/lang/Throwable;)V',
    ]);
    expect(m.strings).toEqual(['exception caught']);
  });
});

describe('ApiDemos: any-class queries', () => {
  const index = buildCodeIndex(dexesOf(NPM_APKS.apidemos));
  it('finds getSharedPreferences on Context, Activity and app classes with "*"', () => {
    const sites = index.callsTo('*->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;');
    expect(sites.map((s) => [`${s.caller.class}->${s.caller.name}`, s.pc, s.target.split('->')[0], s.args[1]])).toEqual([
      ['Landroidx/core/app/AppLaunchChecker;->hasStartedFromLauncher', 3, 'Landroid/content/Context;', S('android.support.AppLaunchChecker')],
      ['Landroidx/core/app/AppLaunchChecker;->onActivityCreate', 3, 'Landroid/app/Activity;', S('android.support.AppLaunchChecker')],
      ['Lio/appium/android/apis/app/RedirectGetter$1;->onClick', 5, 'Lio/appium/android/apis/app/RedirectGetter;', S('RedirectData')],
      ['Lio/appium/android/apis/app/RedirectGetter;->loadPrefs', 3, 'Lio/appium/android/apis/app/RedirectGetter;', S('RedirectData')],
      ['Lio/appium/android/apis/app/RedirectMain$1;->onClick', 5, 'Lio/appium/android/apis/app/RedirectMain;', S('RedirectData')],
      ['Lio/appium/android/apis/app/RedirectMain;->loadPrefs', 3, 'Lio/appium/android/apis/app/RedirectMain;', S('RedirectData')],
      ['Lio/appium/android/apis/appwidget/ExampleAppWidgetConfigure;->loadTitlePref', 3, 'Landroid/content/Context;', S('io.appium.android.apis.appwidget.ExampleAppWidgetProvider')],
      ['Lio/appium/android/apis/appwidget/ExampleAppWidgetConfigure;->saveTitlePref', 3, 'Landroid/content/Context;', S('io.appium.android.apis.appwidget.ExampleAppWidgetProvider')],
      ['Lio/appium/android/apis/preference/DefaultValues;->getPrefs', 9, 'Landroid/content/Context;', S('defaults')],
    ]);
    expect(index.callsTo('Landroid/content/SharedPreferences$Editor;->putString')).toHaveLength(3);
  });
});

// ------------------------------------------------------------------ corpus (optional)

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus APKs${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  it('counts like dexdump -d', () => {
    const rows: [string, number, number, number][] = [
      ['uncrackable-l1.apk', 213, 63, 15],
      ['diva-beta.apk', 152816, 35746, 13342],
      ['goatdroid-qark.apk', 55903, 14305, 4340],
      ['insecurebankv2.apk', 515765, 121055, 35722],
    ];
    for (const [apk, ...expected] of rows) {
      const s = buildCodeIndex(dexesOf(corpusApk(apk))).stats;
      expect([apk, s.instructions, s.callSites, s.methods]).toEqual([apk, ...expected]);
    }
  });

  it('insecurebankv2: credentials written to SharedPreferences', () => {
    const index = buildCodeIndex(dexesOf(corpusApk('insecurebankv2.apk')));
    const saveCreds = index
      .callsTo('Landroid/content/SharedPreferences$Editor;->putString')
      .filter((s) => s.caller.class === 'Lcom/android/insecurebankv2/DoLogin$RequestTask;' && s.caller.name === 'saveCreds');
    expect(saveCreds.map((s) => [s.pc, s.args])).toEqual([
      [0x3a, [R('Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;'), S('EncryptedUsername'), { kind: 'new', type: 'Ljava/lang/String;' }]],
      [0x43, [R('Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;'), S('superSecurePassword'), { kind: 'field', ref: 'Lcom/android/insecurebankv2/DoLogin;->superSecurePassword:Ljava/lang/String;' }]],
    ]);
    expect(index.callsTo('Landroid/content/SharedPreferences$Editor;->putString')).toHaveLength(15);
  });

  it('uncrackable-l1: the AES transformation string reaches the cipher', () => {
    const index = buildCodeIndex(dexesOf(corpusApk('uncrackable-l1.apk')));
    const spec = index.callsTo('Ljavax/crypto/spec/SecretKeySpec;-><init>([BLjava/lang/String;)V');
    expect(spec.map((s) => [s.caller.class, s.pc, s.args])).toEqual([['Lsg/vantagepoint/a/a;', 4, [{ kind: 'new', type: 'Ljavax/crypto/spec/SecretKeySpec;' }, U, S('AES/ECB/PKCS7Padding')]]]);
    expect(index.callsTo('Ljavax/crypto/Cipher;->getInstance')[0].args).toEqual([S('AES')]);
    expect(index.callsTo('Ljavax/crypto/Cipher;->init')[0].args).toEqual([R('Ljavax/crypto/Cipher;->getInstance(Ljava/lang/String;)Ljavax/crypto/Cipher;'), I(2), { kind: 'new', type: 'Ljavax/crypto/spec/SecretKeySpec;' }]);
  });
});
