/**
 * A recorded device for unit tests: files with modes and contents, answering the shell commands
 * DeviceFs sends (id, su, run-as, find … -exec stat … -exec sha256sum …, base64 -w 0, dumpsys
 * account) the way toybox on a device answers them, and pullFile('@pkg/…') with its chmod 777.
 */
import { createHash } from 'node:crypto';
import { DeviceError } from '../../dynamic/session.js';
import type { FsTransport } from '../../dynamic/device-fs.js';

export interface RecordedFile {
  mode: number;
  content: string | Buffer;
}

export interface RecordedOptions {
  root?: boolean;
  su?: boolean;
  debuggable?: boolean;
  adbShell?: boolean;
  accounts?: { name: string; type: string }[];
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export class RecordedDevice implements FsTransport {
  readonly files = new Map<string, RecordedFile>();
  readonly commands: string[] = [];
  readonly pulls: string[] = [];
  accounts: { name: string; type: string }[];

  constructor(
    readonly pkg: string,
    readonly opts: RecordedOptions = {},
  ) {
    this.accounts = opts.accounts ?? [];
  }

  /** Sets a file of the app's data directory (relative path) or of shared storage (absolute /sdcard path). */
  put(path: string, content: string | Buffer, mode = 0o660): void {
    this.files.set(path.startsWith('/') ? path : `/data/data/${this.pkg}/${path}`, { mode, content });
  }

  remove(path: string): void {
    this.files.delete(path.startsWith('/') ? path : `/data/data/${this.pkg}/${path}`);
  }

  private buf(f: RecordedFile): Buffer {
    return Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content);
  }

  private listing(dir: string, shownAs: (p: string) => string): string {
    const files = [...this.files].filter(([p]) => p.startsWith(dir.endsWith('/') ? dir : `${dir}/`));
    const stat = files.map(([p, f]) => `${f.mode.toString(8)} ${this.buf(f).length} ${shownAs(p)}`);
    const sums = files.map(([p, f]) => `${sha(this.buf(f))}  ${shownAs(p)}`);
    return [...stat, ...sums].join('\n');
  }

  async shell(command: string): Promise<string> {
    this.commands.push(command);
    if (this.opts.adbShell === false) throw new DeviceError('insecure-feature', "the Appium server does not allow adb_shell (start it with --allow-insecure=*:adb_shell)");
    const root = this.opts.root ?? true;
    let cmd = command;
    let asRoot = root;
    let runAs = false;
    if (cmd.startsWith('su 0 ')) {
      if (!this.opts.su) throw new DeviceError('command', '/system/bin/sh: su: inaccessible or not found');
      cmd = cmd.slice(5);
      asRoot = true;
    } else if (cmd.startsWith(`run-as ${this.pkg} `)) {
      if (!this.opts.debuggable) return `run-as: package not debuggable: ${this.pkg}`;
      cmd = cmd.slice(`run-as ${this.pkg} `.length);
      runAs = true;
    }
    if (cmd === 'id') return asRoot ? 'uid=0(root) gid=0(root)' : runAs ? 'uid=10123(u0_a123) gid=10123(u0_a123)' : 'uid=2000(shell) gid=2000(shell)';
    if (cmd === 'dumpsys account') return `User UserInfo{0:Owner:c13} :\n  Accounts: ${this.accounts.length}\n${this.accounts.map((a) => `    Account {name=${a.name}, type=${a.type}}`).join('\n')}\n`;
    const find = /^find (\S+) -type f -exec stat -c '%a %s %n' \{\} \+ -exec sha256sum \{\} \+$/.exec(cmd);
    if (find) {
      const dir = find[1]!;
      if (runAs) return this.listing(`/data/data/${this.pkg}`, (p) => `./${p.slice(`/data/data/${this.pkg}/`.length)}`);
      if (dir.startsWith('/data/') && !asRoot) throw new DeviceError('command', `find: ${dir}: Permission denied`);
      return this.listing(dir, (p) => p);
    }
    const b64 = /^base64 -w 0 (.+)$/.exec(cmd);
    if (b64) {
      const arg = b64[1]!.replace(/^'(.*)'$/, '$1');
      const full = runAs ? `/data/data/${this.pkg}/${arg}` : arg;
      if (full.startsWith('/data/') && !asRoot && !runAs) throw new DeviceError('command', `base64: ${arg}: Permission denied`);
      const f = this.files.get(full);
      if (!f) throw new DeviceError('command', `base64: ${arg}: No such file or directory`);
      return this.buf(f).toString('base64');
    }
    throw new DeviceError('command', `unrecorded command: ${command}`);
  }

  async pullFile(remotePath: string): Promise<Buffer> {
    this.pulls.push(remotePath);
    const m = /^@([^/]+)\/(.+)$/.exec(remotePath);
    if (!m || !this.opts.debuggable) throw new DeviceError('command', `Cannot access the container of '${m?.[1] ?? '?'}' application. Is the application installed and has 'debuggable' build option set to true?`);
    const f = this.files.get(`/data/data/${m[1]}/${m[2]}`);
    if (!f) throw new DeviceError('command', `Remote path '${remotePath}' does not exist`);
    f.mode = 0o777; // what the real driver's chmod does
    return this.buf(f);
  }
}

export function jwt(payload: object): string {
  const b = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `eyJhbGciOiJIUzI1NiJ9.${b(payload)}.${Buffer.from('sig-'.repeat(8)).toString('base64url')}`;
}

export function prefs(values: Record<string, string>): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const lines = Object.entries(values).map(([k, v]) => `    <string name="${esc(k)}">${esc(v)}</string>`);
  return lines.length ? `<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n${lines.join('\n')}\n</map>\n` : "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map />\n";
}
