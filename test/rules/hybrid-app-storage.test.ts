/**
 * hybrid-app-storage: small realistic bundles (test/fixtures/rule-data2/) injected into a fixture
 * APK: a minified React Native bundle, Cordova www/ and Capacitor public/ code, a Hermes-layout
 * bundle and a Flutter debug kernel built in the test; then the fixture apps, npm APKs and corpus
 * (none of which is a hybrid app: nothing to report).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import rule from '../../static-rules/hybrid-app-storage.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { loadApp, type AppModel } from '../../src/model/app.js';
import { buildHermesLike, hermesStrings, isHermesBytecode } from '../../src/model/hermes.js';
import { findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, ROOT, corpusApk, fixtureApk } from '../helpers/apks.js';
import { variant, variantBytes } from '../helpers/synth-app.js';

const ID = 'hybrid-app-storage';
const fp = (...parts: string[]) => fingerprintOf(ID, parts);
const DATA = join(ROOT, 'test/fixtures/rule-data2');
const data = (p: string) => readFileSync(join(DATA, p));
const BASE = fixtureApk('insecure-invoice');
const RN = 'assets/index.android.bundle';

/** A variant of the insecure fixture with these entries; the model reads binary assets through ContentIndex.bytes. */
function withBytes(replace: Record<string, Uint8Array | string | null>): AppModel {
  return loadApp(variantBytes(BASE, replace), 'variant.apk');
}

describe('meta and registration', () => {
  it('is registered once with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-STORAGE-1'], cwe: ['CWE-312', 'CWE-922'] });
    expect(rule.meta.remediation).toMatch(/react-native-keychain.*flutter_secure_storage/s);
  });
});

describe('React Native, plain JS bundle (rule-data2/react-native)', () => {
  it('minified AsyncStorage writes of session keys: literal, template, minified constant and multiSet; theme, profile and encrypted values skipped', () => {
    const f = findings(rule, variant(BASE, { [RN]: data('react-native/index.android.bundle') }));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.evidence, x.fingerprint])).toEqual([
      ['high', 'medium', { file: RN, line: 4 }, 'n.default.setItem("@auth_token", …)', fp(RN, 'AsyncStorage', '@auth_token')],
      ['high', 'medium', { file: RN, line: 4 }, 'n.default.setItem("refreshToken", …)', fp(RN, 'AsyncStorage', 'refreshToken')],
      ['high', 'medium', { file: RN, line: 4 }, 'n.default.setItem(`token_${u.user.id}`, …)', fp(RN, 'AsyncStorage', 'token_')],
      ['high', 'medium', { file: RN, line: 4 }, 'n.default.setItem(o.PASSWORD_KEY, …)', fp(RN, 'AsyncStorage', '@pwd')],
      ['high', 'medium', { file: RN, line: 4 }, 'n.default.multiSet([["sessionId", …)', fp(RN, 'AsyncStorage', 'sessionId')],
    ]);
    expect(f[0]!.message).toBe(
      'React Native code writes a session token to AsyncStorage under "@auth_token": stored unencrypted in the app sandbox. Use react-native-keychain (Android Keystore) or expo-secure-store.',
    );
    expect(f[2]!.message).toContain('under `token_${…}`');
    expect(f[3]!.message).toBe(
      'React Native code writes a password to AsyncStorage under PASSWORD_KEY ("@pwd"): stored unencrypted in the app sandbox. Use react-native-keychain (Android Keystore) or expo-secure-store.',
    );
  });

  it('fixed bundle (react-native-keychain for the token, EncryptedStorage for the refresh token): nothing', () => {
    expect(findings(rule, variant(BASE, { [RN]: data('react-native/index.android.fixed.bundle') }))).toEqual([]);
  });
});

describe('Cordova and Capacitor (rule-data2/cordova, rule-data2/capacitor)', () => {
  it('localStorage (call, index and property writes), sessionStorage (low) and Capacitor Preferences; secure storage plugin skipped', () => {
    const app = variant(BASE, {
      'assets/www/cordova.js': data('cordova/www/cordova.js'),
      'assets/www/js/app.js': data('cordova/www/js/app.js'),
      'assets/public/js/main.js': data('capacitor/public/js/main.js'),
      'assets/capacitor.config.json': data('capacitor/capacitor.config.json'),
    });
    expect(app.content.frameworks).toEqual(['cordova', 'capacitor']);
    const f = findings(rule, app);
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.evidence])).toEqual([
      ['high', 'high', { file: 'assets/www/js/app.js', line: 7 }, "localStorage.setItem('auth_token', …)"],
      ['high', 'high', { file: 'assets/www/js/app.js', line: 8 }, 'window.localStorage["refresh_token"] = …'],
      ['high', 'high', { file: 'assets/www/js/app.js', line: 9 }, 'localStorage.userPassword = …'],
      ['high', 'high', { file: 'assets/public/js/main.js', line: 5 }, "Preferences.set({ key: 'access_token' …)"],
      ['low', 'high', { file: 'assets/www/js/app.js', line: 10 }, "sessionStorage.setItem('csrf_token', …)"],
    ]);
    expect(f[0]!.message).toBe(
      'Cordova code writes a session token to localStorage under "auth_token": stored unencrypted in the app sandbox. Use a Keystore-backed plugin (@capacitor-community/secure-storage, cordova-plugin-secure-storage-echo).',
    );
    expect(f[3]!.message).toBe(
      'Capacitor code writes a session token to Capacitor Preferences under "access_token": stored unencrypted in the app sandbox. Use @capacitor-community/secure-storage or capacitor-secure-storage-plugin (Keystore-backed).',
    );
    expect(f[3]!.fingerprint).toBe(fp('assets/public/js/main.js', 'Capacitor Preferences', 'access_token'));
  });

  it('fixed Cordova code (cordova-plugin-secure-storage-echo): nothing', () => {
    expect(findings(rule, variant(BASE, { 'assets/www/cordova.js': data('cordova/www/cordova.js'), 'assets/www/js/app.js': data('cordova/www/js/app.fixed.js') }))).toEqual([]);
  });
});

describe('React Native, Hermes bytecode', () => {
  const hbc = buildHermesLike(['setItem', 'getItem', 'multiSet', 'RNCAsyncStorage', 'userToken', '@refresh_token', 'theme', 'Welcome back!', 'accessTokenExpiry']);

  it('reads the string table of a Hermes-layout file', () => {
    expect(isHermesBytecode(hbc)).toBe(true);
    expect(Array.from(hbc.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe('c6 1f bc 03 c1 03 19 1f');
    expect(hermesStrings(hbc)).toEqual({ version: 96, fromTable: true, strings: ['setItem', 'getItem', 'multiSet', 'RNCAsyncStorage', 'userToken', '@refresh_token', 'theme', 'Welcome back!', 'accessTokenExpiry'] });
    expect(hermesStrings(new TextEncoder().encode('var x = 1;'))).toBeNull();
  });

  it('AsyncStorage strings next to session-named keys: one low-confidence finding, "string evidence only"', () => {
    const f = findings(rule, withBytes({ [RN]: hbc }));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([['medium', 'low', { file: RN }, fp(RN, 'hermes', 'AsyncStorage')]]);
    expect(f[0]!.message).toBe(
      'Hermes bytecode: string evidence only. The React Native bundle uses AsyncStorage and contains session-named keys ("userToken", "@refresh_token"); which call writes them cannot be read without disassembling the bytecode. Check that tokens go to react-native-keychain / expo-secure-store, not AsyncStorage.',
    );
    expect(f[0]!.evidence).toBe('Hermes bytecode v96, 9 strings in the string table; storage strings: AsyncStorage setItem; keys: userToken, @refresh_token');
  });

  it('without session-named keys: nothing', () => {
    expect(findings(rule, withBytes({ [RN]: buildHermesLike(['setItem', 'RNCAsyncStorage', 'theme', 'onboarding_done']) }))).toEqual([]);
  });

  it('a Hermes bundle larger than the binary-asset limit is skipped with a warning, not read', () => {
    const app = variant(BASE, { [RN]: hbc });
    Object.assign(app.content, { bytes: () => null });
    expect(findings(rule, app)).toEqual([]);
  });
});

describe('Flutter', () => {
  const kernel = (strings: string[]) => {
    const parts: number[] = [0x90, 0xab, 0xcd, 0xef, 0, 0, 0, 2];
    for (const s of strings) parts.push(...new TextEncoder().encode(s), 0, 1, 0);
    return Uint8Array.from(parts);
  };

  it('debug build: shared_preferences and session-named keys in kernel_blob.bin strings (string evidence only)', () => {
    const app = withBytes({
      'assets/flutter_assets/kernel_blob.bin': kernel(['package:shared_preferences/shared_preferences.dart', 'setString', 'auth_token', 'dark_mode', 'package:flutter/material.dart']),
    });
    expect(app.content.frameworks).toEqual(['flutter']);
    const f = findings(rule, app);
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['medium', 'low', { file: 'assets/flutter_assets/kernel_blob.bin' }, fp('assets/flutter_assets/kernel_blob.bin', 'shared_preferences')],
    ]);
    expect(f[0]!.message).toBe(
      'Flutter debug kernel: string evidence only. The Dart code uses shared_preferences (stored as "flutter.<key>" in FlutterSharedPreferences.xml, plaintext) and contains session-named keys ("auth_token"). Use flutter_secure_storage for tokens.',
    );
  });

  it('release build (AOT libapp.so): a warning that shared_preferences keys were not analysed', () => {
    const app = withBytes({ 'lib/arm64-v8a/libflutter.so': new Uint8Array(16), 'lib/arm64-v8a/libapp.so': new Uint8Array(16) });
    expect(findings(rule, app)).toEqual([]);
    expect(app.warnings).toContainEqual({
      code: 'analysis-incomplete',
      file: 'lib/arm64-v8a/libapp.so',
      message: 'Flutter release build: Dart code is AOT-compiled into libapp.so; shared_preferences keys ("flutter.<key>") were not analysed by hybrid-app-storage',
    });
  });
});

describe('not hybrid apps: nothing', () => {
  it.each([
    ['insecure-invoice', fixtureApk('insecure-invoice')],
    ['secure-invoice', fixtureApk('secure-invoice')],
    ['multidex-app', fixtureApk('multidex-app')],
    ['obfuscated-nsc', fixtureApk('obfuscated-nsc')],
    ['ApiDemos (local HTML in assets)', NPM_APKS.apidemos],
    ['io.appium.settings', NPM_APKS.settings],
    ['uiautomator2 server', NPM_APKS.uia2server],
    ['uiautomator2 test APK', NPM_APKS.uia2test],
  ])('%s', (_name, path) => {
    expect(findings(rule, path)).toEqual([]);
  });

  const HAVE_CORPUS = existsSync(CORPUS_DIR);
  it.skipIf(!HAVE_CORPUS).each(['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk'])(
    `corpus %s${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`,
    (name) => {
      expect(findings(rule, corpusApk(name))).toEqual([]);
    },
  );
});
