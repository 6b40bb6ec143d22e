/**
 * One measured run, in a fresh process: read the APK, build the whole model including every dex
 * and the full call-site index, and print {ms, maxRssMb, classes, callSites} as JSON.
 */
import { readFileSync } from 'node:fs';
import { loadApp } from '../src/model/app.js';

const path = process.argv[2];
if (!path) {
  console.error('usage: load-one <apk>');
  process.exit(2);
}
const t0 = performance.now();
const app = loadApp(new Uint8Array(readFileSync(path)), path);
// Force the lazy parts: the global call-site map and the asset text.
app.code.callsTo('Landroid/content/SharedPreferences$Editor;->putString');
app.content.textFiles();
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, classes: app.code.stats.classes, callSites: app.code.stats.callSites, timings: app.timings }));
