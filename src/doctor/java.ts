/**
 * Java, found as appium-adb's getJavaForOs finds it ($JAVA_HOME/bin/java, else java on PATH):
 * UiAutomator2 runs apksigner, a Java program, to check and re-sign the APKs it installs, and its
 * own doctor wants JAVA_HOME. Advisory: doctor cannot tell in advance whether a run will need it.
 */
import path from 'node:path';
import { which } from './host.js';
import { describeRun, result, type CheckResult, type Fix, type Host } from './types.js';

const SET_JAVA_HOME: Fix[] = [
  { command: 'export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"', os: 'linux' },
  { command: 'export JAVA_HOME="$(/usr/libexec/java_home)"', os: 'macos' },
];

const INSTALL_JAVA: Fix[] = [
  { command: 'sudo apt-get install -y openjdk-17-jdk-headless', os: 'linux' },
  { command: 'brew install --cask temurin@17', os: 'macos' },
  ...SET_JAVA_HOME,
];

export async function checkJava(host: Host): Promise<CheckResult> {
  const title = 'Java';
  const home = host.env.JAVA_HOME;
  const fromHome = home ? path.join(home, 'bin', 'java') : null;
  const homeOk = fromHome !== null && host.fs.isExecutable(fromHome);
  const java = homeOk ? fromHome : which(host, 'java');
  const homeNote = !home ? 'JAVA_HOME is unset' : homeOk ? `JAVA_HOME=${home}` : `JAVA_HOME=${home} has no bin/java`;
  if (!java) return result('java', title, false, 'warn', `not found (${homeNote}, no java on PATH); UiAutomator2 needs it for apksigner`, INSTALL_JAVA);
  const r = await host.run(java, ['-version'], { timeoutMs: host.timeoutMs });
  if (r.error || r.code !== 0) return result('java', title, false, 'warn', `${describeRun(`${java} -version`, r, host.timeoutMs)}; UiAutomator2 needs it for apksigner`, INSTALL_JAVA);
  const version = /version "([^"]+)"/.exec(`${r.stderr}\n${r.stdout}`)?.[1] ?? 'unknown version';
  if (!homeOk) return result('java', title, false, 'warn', `${version} at ${java}, but ${homeNote}; UiAutomator2's doctor requires it`, SET_JAVA_HOME);
  return result('java', title, false, 'ok', `${version} at ${java} (${homeNote})`);
}
