import { describe, expect, it } from 'vitest';
import { buildCapabilities, classifyError, locator, parseCapabilityArgs } from '../../dynamic/session.js';
import { maskPageSource, Secrets } from '../../dynamic/secrets.js';

const CTX = { url: 'http://127.0.0.1:4723', automationName: 'UiAutomator2', udid: 'emulator-5554' };

describe('capabilities', () => {
  it('one noReset session, UiAutomator2 by default, --capability values as JSON with the appium: prefix', () => {
    const extra = parseCapabilityArgs(['automationName=SimAndroid', 'appium:simulation={"flaws":["token-not-rotated"]}', 'appium:platformVersion=14', 'deviceName=Pixel 7']);
    expect(extra).toEqual({ 'appium:automationName': 'SimAndroid', 'appium:simulation': { flaws: ['token-not-rotated'] }, 'appium:platformVersion': 14, 'appium:deviceName': 'Pixel 7' });
    const caps = buildCapabilities({ appiumUrl: 'x', apkPath: '/a.apk', appPackage: 'com.x', udid: 'emulator-5554', capabilities: { 'appium:noReset': true } });
    expect(caps).toMatchObject({
      platformName: 'Android',
      'appium:automationName': 'UiAutomator2',
      'appium:app': '/a.apk',
      'appium:appPackage': 'com.x',
      'appium:noReset': true,
      'appium:fullReset': false,
      'appium:autoGrantPermissions': true,
      'appium:udid': 'emulator-5554',
    });
  });

  it('refuses what would wipe the evidence, and malformed pairs', () => {
    expect(() => parseCapabilityArgs(['appium:noReset=false'])).toThrow(/noReset=false/);
    expect(() => parseCapabilityArgs(['fullReset=true'])).toThrow(/fullReset=true/);
    expect(() => parseCapabilityArgs(['novalue'])).toThrow('--capability novalue: expected key=value (e.g. appium:deviceName=Pixel)');
  });

  it('maps flow selectors to W3C / Appium locators', () => {
    expect(locator({ strategy: 'id', value: 'login' }, 'com.x')).toEqual({ using: 'id', value: 'com.x:id/login' });
    expect(locator({ strategy: 'id', value: 'android:id/button1' }, 'com.x')).toEqual({ using: 'id', value: 'android:id/button1' });
    expect(locator({ strategy: 'accessibilityId', value: 'More options' }, 'com.x')).toEqual({ using: 'accessibility id', value: 'More options' });
    expect(locator({ strategy: 'text', value: 'Say "hi"' }, 'com.x')).toEqual({ using: '-android uiautomator', value: 'new UiSelector().text("Say \\"hi\\"")' });
    expect(locator({ strategy: 'xpath', value: '//a' }, 'com.x').using).toBe('xpath');
  });
});

describe('error mapping: one line per cause', () => {
  it.each([
    ['Failed to create session.\nUnable to connect to "http://127.0.0.1:4723/", make sure browser driver is running on that address.', 'unreachable', 'cannot reach the Appium server at http://127.0.0.1:4723 (is it running? start one or leave out --appium-url)'],
    ["Could not find a driver for automationName 'UiAutomator2' and platformName 'Android'. Have you installed a driver", 'no-driver', 'the Appium server at http://127.0.0.1:4723 has no driver for automationName "UiAutomator2" (install it: appium driver install uiautomator2)'],
    ["An unknown server-side error occurred while processing the command. Original error: Error executing adbExec. Original error: 'Command 'adb -P 5037 -s emulator-5554 shell id' exited with code 1'; Stderr: 'adb: device 'emulator-5554' not found'", 'device-lost', 'the device emulator-5554 is no longer reachable (device lost)'],
    ['Could not find a connected Android device in 20000ms.', 'no-device', 'no Android device with udid emulator-5554 is connected to the Appium server (start an emulator, or pass --udid)'],
    ["Potentially insecure feature 'adb_shell' has not been enabled. If you want to enable this feature", 'insecure-feature', 'the Appium server does not allow adb_shell (start it with --allow-insecure=*:adb_shell)'],
    ['A session is either terminated or not started', 'session-lost', 'the Appium session ended unexpectedly (server restarted or newCommandTimeout expired)'],
    ['Failure [INSTALL_FAILED_INVALID_APK: not an APK]', 'install-failed', 'the APK could not be installed: INSTALL_FAILED_INVALID_APK: not an APK'],
    ['An unknown server-side error occurred while processing the command. Original error: bmgr: unknown command\n  at stack', 'command', 'bmgr: unknown command'],
  ])('%s', (msg, kind, text) => {
    const e = classifyError(new Error(msg), CTX);
    expect(e.kind).toBe(kind);
    expect(e.message).toBe(text);
  });

  it('masks credentials in the detail', () => {
    const e = classifyError(new Error('Original error: cannot type hunter2-pw into the field'), CTX, new Secrets(['hunter2-pw']));
    expect(e.message).toBe('Original error: cannot type [masked] into the field');
  });
});

describe('secrets', () => {
  it('masks raw, XML-escaped, JSON-escaped and URL-encoded forms, longest first', () => {
    const s = new Secrets(['p&ss"w<rd', 'abc']);
    expect(s.mask('raw p&ss"w<rd xml p&amp;ss&quot;w&lt;rd json p&ss\\"w<rd url p%26ss%22w%3Crd abc')).toBe('raw [masked] xml [masked] json [masked] url [masked] [masked]');
    expect(new Secrets(['ab']).mask('ab cab')).toBe('ab cab');
  });

  it('blanks the text of password fields in page sources', () => {
    const xml = '<hierarchy><a class="EditText" text="alice" password="false"/><b text="•••••" password="true" hint="Password"/><c password="true" text=""/></hierarchy>';
    expect(maskPageSource(xml, new Secrets(['alice']))).toBe('<hierarchy><a class="EditText" text="[masked]" password="false"/><b text="[masked]" password="true" hint="Password"/><c password="true" text=""/></hierarchy>');
  });
});
