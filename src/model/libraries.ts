/**
 * Well-known third-party library code, by package prefix. Findings inside it are labelled and
 * ranked below first-party code: the app developer usually cannot change it, and peers' users
 * complain most about false alarms from SDK internals (netty, sentry, okhttp...).
 * Obfuscated apps rename most library packages; what survives R8 (kept public APIs, the packages
 * below) is still recognised; renamed code counts as first-party, which errs on the side of showing it.
 */
const LIBRARIES: [prefix: string, name: string][] = [
  ['androidx/', 'AndroidX'],
  ['android/support/', 'Android Support Library'],
  ['com/google/android/gms/', 'Google Play services'],
  ['com/google/firebase/', 'Firebase'],
  ['com/google/android/material/', 'Material Components'],
  ['com/google/gson/', 'Gson'],
  ['com/google/common/', 'Guava'],
  ['com/google/protobuf/', 'Protocol Buffers'],
  ['com/google/crypto/tink/', 'Tink'],
  ['com/google/android/exoplayer2/', 'ExoPlayer'],
  ['com/google/zxing/', 'ZXing'],
  ['com/google/errorprone/', 'Error Prone annotations'],
  ['kotlin/', 'Kotlin stdlib'],
  ['kotlinx/', 'kotlinx'],
  ['okhttp3/', 'OkHttp'],
  ['okio/', 'Okio'],
  ['retrofit2/', 'Retrofit'],
  ['com/squareup/', 'Square'],
  ['io/reactivex/', 'RxJava'],
  ['rx/', 'RxJava 1'],
  ['org/apache/', 'Apache'],
  ['org/bouncycastle/', 'Bouncy Castle'],
  ['org/spongycastle/', 'Spongy Castle'],
  ['org/json/', 'org.json'],
  ['org/jetbrains/', 'JetBrains annotations'],
  ['org/intellij/', 'IntelliJ annotations'],
  ['org/slf4j/', 'SLF4J'],
  ['org/greenrobot/', 'greenrobot'],
  ['org/hamcrest/', 'Hamcrest'],
  ['org/junit/', 'JUnit'],
  ['junit/', 'JUnit'],
  ['org/mockito/', 'Mockito'],
  ['net/bytebuddy/', 'Byte Buddy'],
  ['org/objenesis/', 'Objenesis'],
  ['io/netty/', 'Netty'],
  ['io/sentry/', 'Sentry'],
  ['com/facebook/', 'Facebook SDK'],
  ['com/fasterxml/', 'Jackson'],
  ['com/bumptech/glide/', 'Glide'],
  ['com/airbnb/lottie/', 'Lottie'],
  ['com/crashlytics/', 'Crashlytics'],
  ['io/fabric/', 'Fabric'],
  ['com/amplitude/', 'Amplitude'],
  ['com/mixpanel/', 'Mixpanel'],
  ['com/appsflyer/', 'AppsFlyer'],
  ['com/adjust/', 'Adjust'],
  ['com/onesignal/', 'OneSignal'],
  ['com/braintreepayments/', 'Braintree'],
  ['com/stripe/', 'Stripe SDK'],
  ['com/jakewharton/', 'Jake Wharton libraries'],
  ['dagger/', 'Dagger'],
  ['javax/inject/', 'javax.inject'],
  ['io/flutter/', 'Flutter embedding'],
  ['com/facebook/react/', 'React Native'],
  ['org/apache/cordova/', 'Cordova'],
  ['com/getcapacitor/', 'Capacitor'],
  ['io/appium/', 'Appium'],
  ['net/sqlcipher/', 'SQLCipher'],
  ['io/realm/', 'Realm'],
  ['com/j256/ormlite/', 'ORMLite'],
  ['com/actionbarsherlock/', 'ActionBarSherlock'],
  ['com/nineoldandroids/', 'NineOldAndroids'],
  ['org/joda/', 'Joda-Time'],
];

function normalise(prefix: string): string {
  let p = prefix.trim().replace(/^L/, '').replace(/\./g, '/');
  if (!p.endsWith('/')) p += '/';
  return p;
}

/**
 * The library a class (descriptor `Lx/y/Z;` or dotted name) belongs to, or null for app code.
 * Code under the app's own package (its first three segments) is always first-party, so that a
 * vendor's own app (io.appium.*, com.facebook.katana) is not dismissed as its own library.
 */
export function libraryOf(cls: string, extra: readonly string[] = [], appPackage = ''): string | null {
  const path = cls.startsWith('L') && cls.endsWith(';') ? cls.slice(1, -1) : cls.replace(/\./g, '/');
  if (appPackage) {
    const own = `${appPackage.split('.').slice(0, 3).join('/')}/`;
    if (path.startsWith(own)) return null;
  }
  for (const e of extra) {
    const p = normalise(e);
    if (path.startsWith(p)) return p.slice(0, -1).replace(/\//g, '.');
  }
  // Longest prefix first so that com/facebook/react/ wins over com/facebook/.
  let best: [string, string] | null = null;
  for (const entry of LIBRARIES) {
    if (path.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? best[1] : null;
}
