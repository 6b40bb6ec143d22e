/**
 * A large synthetic app for the scaling benchmark: N small classes over D dex files (each with a
 * static URL constant, fields, a constructor, a method that loads strings and calls others), and
 * every 100th class an activity in the manifest. Built once with Debian's smali and aapt into the
 * cache folder; returns null (with a note) when those tools are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

function classSmali(i: number): string {
  const cls = `Lcom/example/big/p${Math.floor(i / 500)}/C${i};`;
  const next = `Lcom/example/big/p${Math.floor(((i + 1) % 100000) / 500)}/C${(i + 1) % 100000};`;
  const sup = i % 100 === 0 ? 'Landroid/app/Activity;' : 'Ljava/lang/Object;';
  return `.class public ${cls}
.super ${sup}

.field public static final URL:Ljava/lang/String; = "http://host${i % 97}.example.com/api/${i}"
.field private count:I

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, ${sup}-><init>()V
    return-void
.end method

.method public work(Landroid/content/Context;)V
    .registers 6
    const-string v0, "prefs${i % 13}"
    const/4 v1, 0x0
    invoke-virtual {p1, v0, v1}, Landroid/content/Context;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;
    move-result-object v2
    invoke-interface {v2}, Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;
    move-result-object v2
    const-string v3, "key${i % 31}"
    sget-object v4, ${cls}->URL:Ljava/lang/String;
    invoke-interface {v2, v3, v4}, Landroid/content/SharedPreferences$Editor;->putString(Ljava/lang/String;Ljava/lang/String;)Landroid/content/SharedPreferences$Editor;
    iget v0, p0, ${cls}->count:I
    add-int/lit8 v0, v0, 0x1
    iput v0, p0, ${cls}->count:I
    invoke-static {v0}, ${next}->helper(I)I
    return-void
.end method

.method public static helper(I)I
    .registers 2
    mul-int/lit8 v0, p0, 0x3
    return v0
.end method
`;
}

export function buildSynthetic(cacheDir: string, classes: number, dexCount: number): string | null {
  const out = join(cacheDir, `synthetic-${classes}.apk`);
  if (existsSync(out)) return out;
  const missing = ['smali', 'aapt', 'zipalign'].filter((b) => !has(b));
  if (missing.length) {
    console.log(`synthetic app not built: ${missing.join(', ')} missing (apt-get install libsmali-java aapt zipalign android-framework-res)`);
    return null;
  }
  const work = join(cacheDir, `synthetic-${classes}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'res/values'), { recursive: true });
  const per = Math.ceil(classes / dexCount);
  const activities: string[] = [];
  console.log(`generating ${classes} classes in ${dexCount} dex folders…`);
  for (let i = 0; i < classes; i++) {
    const d = Math.floor(i / per);
    const dir = join(work, d === 0 ? 'smali' : `smali_classes${d + 1}`, `com/example/big/p${Math.floor(i / 500)}`);
    if (i % 500 === 0 || i % per === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `C${i}.smali`), classSmali(i));
    if (i % 100 === 0) activities.push(`        <activity android:name="com.example.big.p${Math.floor(i / 500)}.C${i}" android:exported="false" />`);
  }
  writeFileSync(join(work, 'res/values/strings.xml'), '<resources><string name="app_name">Big</string></resources>\n');
  writeFileSync(
    join(work, 'AndroidManifest.xml'),
    `<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.big" android:versionCode="1" android:versionName="1.0">
    <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="33" />
    <application android:label="@string/app_name">
${activities.join('\n')}
    </application>
</manifest>
`,
  );
  const run = (cmd: string, argv: string[], cwd?: string): void => {
    const r = spawnSync(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed`);
  };
  console.log('assembling dex files with smali (takes a minute or two)…');
  const unsigned = join(work, 'unsigned.apk');
  run('aapt', ['package', '-f', '-M', join(work, 'AndroidManifest.xml'), '-S', join(work, 'res'), '-I', '/usr/share/android-framework-res/framework-res.apk', '-F', unsigned]);
  const dexNames: string[] = [];
  for (let d = 0; d < dexCount; d++) {
    const name = d === 0 ? 'classes.dex' : `classes${d + 1}.dex`;
    run('smali', ['assemble', '--api', '21', '-o', join(work, name), join(work, d === 0 ? 'smali' : `smali_classes${d + 1}`)]);
    dexNames.push(name);
  }
  run('aapt', ['add', '-f', 'unsigned.apk', ...dexNames], work);
  run('zipalign', ['-f', '-p', '4', unsigned, out]);
  rmSync(work, { recursive: true, force: true });
  return out;
}
