/**
 * SIMULATION: the device shell behind `mobile: shell`. The command line (command and args joined
 * with spaces, as adb does) is parsed like the device's sh: quotes, `;` `&&` `||` `|`, and `>`,
 * `>>`, `2>`, `2>&1` redirections; then a toybox-like subset of commands runs against the
 * simulated device state (see SPEC.md for the list).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AppCrashed, type AppRuntime } from './behaviour.js';
import {
  canonical,
  FsError,
  LOCAL_TRANSPORT,
  ROOT_UID,
  SHELL_UID,
  type FsNode,
  type SimDevice,
} from './device.js';

export interface ShellResult {
  stdout: string;
  stderr: string;
  code: number;
}

interface Ctx {
  device: SimDevice;
  runtime: AppRuntime;
  uid: number;
  cwd: string;
}

interface Out {
  out: Buffer;
  err: string;
  code: number;
}

type Redirect = { fd: 1 | 2; target: string; append: boolean } | { fd: 2; dupToOut: true };
interface SimpleCommand {
  argv: string[];
  redirects: Redirect[];
}
interface AndOr {
  op: ';' | '&&' | '||';
  pipeline: SimpleCommand[];
}

const ok = (out: string | Buffer = ''): Out => ({ out: Buffer.isBuffer(out) ? out : Buffer.from(out), err: '', code: 0 });
const fail = (err: string, code = 1, out = ''): Out => ({ out: Buffer.from(out), err: err === '' || err.endsWith('\n') ? err : `${err}\n`, code });

// -------------------------------------------------------------------- parsing

type Token = { word: string } | { op: string };

export class ShellSyntaxError extends Error {}

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  let quotedPart = false;
  const flush = (): void => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
    quotedPart = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unterminated '");
      word += line.slice(i + 1, end);
      inWord = true;
      quotedPart = true;
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && ['"', '\\', '$', '`'].includes(line[j + 1] ?? '')) j++;
        word += line[j];
      }
      if (j >= line.length) throw new ShellSyntaxError('unterminated "');
      inWord = true;
      quotedPart = true;
      i = j;
    } else if (ch === '\\') {
      word += line[i + 1] ?? '';
      inWord = true;
      i++;
    } else if (/\s/.test(ch)) {
      if (ch === '\n') {
        flush();
        tokens.push({ op: ';' });
      } else flush();
    } else if (ch === '>' && word === '2' && inWord && !quotedPart) {
      word = '';
      inWord = false;
      if (line.startsWith('>&1', i)) {
        tokens.push({ op: '2>&1' });
        i += 2;
      } else tokens.push({ op: '2>' });
    } else if (';|&><'.includes(ch)) {
      flush();
      const two = line.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === '>>') {
        tokens.push({ op: two });
        i++;
      } else if (ch === '&') tokens.push({ op: ';' });
      else tokens.push({ op: ch });
    } else {
      word += ch;
      inWord = true;
    }
  }
  flush();
  return tokens;
}

export function parse(line: string): AndOr[] {
  const tokens = tokenize(line);
  const list: AndOr[] = [];
  let op: AndOr['op'] = ';';
  let pipeline: SimpleCommand[] = [];
  let cmd: SimpleCommand = { argv: [], redirects: [] };
  const endCmd = (): void => {
    if (cmd.argv.length === 0 && cmd.redirects.length === 0) throw new ShellSyntaxError('syntax error: missing command');
    pipeline.push(cmd);
    cmd = { argv: [], redirects: [] };
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ('word' in t) {
      cmd.argv.push(t.word);
      continue;
    }
    switch (t.op) {
      case '>':
      case '>>':
      case '2>': {
        const target = tokens[i + 1];
        if (!target || !('word' in target)) throw new ShellSyntaxError(`syntax error near '${t.op}'`);
        cmd.redirects.push({ fd: t.op === '2>' ? 2 : 1, target: target.word, append: t.op === '>>' });
        i++;
        break;
      }
      case '2>&1':
        cmd.redirects.push({ fd: 2, dupToOut: true });
        break;
      case '<':
        throw new ShellSyntaxError("input redirection '<' is not simulated");
      case '|':
        endCmd();
        break;
      case ';':
      case '&&':
      case '||':
        if (cmd.argv.length === 0 && pipeline.length === 0) {
          if (t.op === ';') continue;
          throw new ShellSyntaxError(`syntax error near '${t.op}'`);
        }
        endCmd();
        list.push({ op, pipeline });
        pipeline = [];
        op = t.op;
        break;
      default:
        throw new ShellSyntaxError(`unexpected '${t.op}'`);
    }
  }
  if (cmd.argv.length || cmd.redirects.length) endCmd();
  if (pipeline.length) list.push({ op, pipeline });
  return list;
}

// -------------------------------------------------------------------- running

export class Shell {
  constructor(
    private readonly device: SimDevice,
    private readonly runtime: AppRuntime,
  ) {}

  /** Runs a command line as adb's shell user (root when the device is rooted). */
  run(line: string, uid?: number): ShellResult {
    const ctx: Ctx = { device: this.device, runtime: this.runtime, uid: uid ?? (this.device.root ? ROOT_UID : SHELL_UID), cwd: '/' };
    const r = runLine(line, ctx, Buffer.alloc(0));
    return { stdout: r.out.toString('utf8'), stderr: r.err, code: r.code };
  }
}

function runLine(line: string, ctx: Ctx, stdin: Buffer): Out {
  let list: AndOr[];
  try {
    list = parse(line);
  } catch (e) {
    return fail(`/system/bin/sh: ${(e as Error).message}`, 2);
  }
  const outs: Buffer[] = [];
  let err = '';
  let code = 0;
  for (const item of list) {
    if (item.op === '&&' && code !== 0) continue;
    if (item.op === '||' && code === 0) continue;
    let input = stdin;
    let r: Out = ok();
    for (const [i, cmd] of item.pipeline.entries()) {
      r = runSimple(cmd, ctx, input);
      if (i < item.pipeline.length - 1) {
        err += r.err;
        input = r.out;
      }
    }
    outs.push(r.out);
    err += r.err;
    code = r.code;
  }
  return { out: Buffer.concat(outs), err, code };
}

function runSimple(cmd: SimpleCommand, ctx: Ctx, stdin: Buffer): Out {
  let r = cmd.argv.length ? dispatch(cmd.argv, ctx, stdin) : ok();
  for (const red of cmd.redirects) {
    if ('dupToOut' in red) {
      r = { out: Buffer.concat([r.out, Buffer.from(r.err)]), err: '', code: r.code };
      continue;
    }
    const data = red.fd === 1 ? r.out : Buffer.from(r.err);
    if (red.target !== '/dev/null') {
      const abs = canonical(red.target, ctx.cwd);
      try {
        const old = red.append && ctx.device.fs.get(abs)?.type === 'file' ? ctx.device.fs.get(abs)!.data : Buffer.alloc(0);
        ctx.device.writeFile(abs, Buffer.concat([old, data]), ctx.uid);
      } catch (e) {
        return fail(`/system/bin/sh: can't create ${red.target}: ${e instanceof FsError ? e.reason : (e as Error).message}`);
      }
    }
    if (red.fd === 1) r = { ...r, out: Buffer.alloc(0) };
    else r = { ...r, err: '' };
  }
  return r;
}

type Command = (args: string[], ctx: Ctx, stdin: Buffer) => Out;

function dispatch(argv: string[], ctx: Ctx, stdin: Buffer): Out {
  const [name, ...args] = argv;
  const cmd = COMMANDS[path.posix.basename(name!)];
  if (!cmd) return fail(`/system/bin/sh: ${name}: inaccessible or not found`, 127);
  try {
    return cmd(args, ctx, stdin);
  } catch (e) {
    if (e instanceof FsError) return fail(`${name}: ${e.path}: ${e.reason}`);
    if (e instanceof AppCrashed) return ok();
    throw e;
  }
}

// -------------------------------------------------------------------- helpers

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function lsDate(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

function permString(n: FsNode): string {
  const bits = 'rwxrwxrwx';
  let s = n.type === 'dir' ? 'd' : '-';
  for (let i = 0; i < 9; i++) s += n.mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

/** Splits flags like `-la` (anywhere, as toybox accepts them) from operands; `--` ends options. */
function opts(args: string[], withValue: string[] = []): { flags: Set<string>; values: Map<string, string>; rest: string[] } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (withValue.includes(f)) {
          values.set(f, a.slice(j + 1) || args[++i] || '');
          break;
        }
        flags.add(f);
      }
    } else rest.push(a);
  }
  return { flags, values, rest };
}

function withFiles(names: string[], ctx: Ctx, each: (abs: string, name: string) => string): Out {
  let out = '';
  let err = '';
  let code = 0;
  for (const name of names) {
    try {
      out += each(canonical(name, ctx.cwd), name);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      err += `${name}: ${e.reason}\n`;
      code = 1;
    }
  }
  return { out: Buffer.from(out), err, code };
}

function prefixErr(cmd: string, r: Out): Out {
  return { ...r, err: r.err.split('\n').filter(Boolean).map((l) => `${cmd}: ${l}\n`).join('') };
}

function statLine(fmt: string, n: FsNode, name: string, ctx: Ctx): string {
  return fmt.replace(/%([asnYUuAFgG%])/g, (_m, c: string) => {
    switch (c) {
      case 'a': return (n.mode & 0o7777).toString(8);
      case 's': return String(n.type === 'dir' ? 4096 : n.data.length);
      case 'n': return name;
      case 'Y': return String(n.mtime);
      case 'U': return ctx.device.uidName(n.uid);
      case 'u': return String(n.uid);
      case 'G': return ctx.device.uidName(n.uid);
      case 'g': return String(n.uid);
      case 'A': return permString(n);
      case 'F': return n.type === 'dir' ? 'directory' : n.data.length === 0 ? 'regular empty file' : 'regular file';
      default: return '%';
    }
  });
}

function hashCmd(algo: string): Command {
  return (args, ctx, stdin) => {
    const { rest } = opts(args);
    if (rest.length === 0) return ok(`${createHash(algo).update(stdin).digest('hex')}  -\n`);
    return prefixErr(`${algo}sum`, withFiles(rest, ctx, (abs, name) => `${createHash(algo).update(ctx.device.readFile(abs, ctx.uid)).digest('hex')}  ${name}\n`));
  };
}

function launcherOf(ctx: Ctx, pkg: string): string | null {
  return ctx.device.packages.get(pkg)?.activities.find((a) => a.launcher)?.name ?? null;
}

function shortComponent(pkg: string, cls: string): string {
  return cls.startsWith(`${pkg}.`) ? `${pkg}/${cls.slice(pkg.length)}` : `${pkg}/${cls}`;
}

/** `test` with one unary file test (-e -f -d -s -r) or a string comparison (= !=), optionally negated. */
function testExpr(args: string[], ctx: Ctx): Out {
  const neg = args[0] === '!';
  const a = neg ? args.slice(1) : args;
  let res: boolean;
  if (a.length === 2 && /^-[efdsr]$/.test(a[0]!)) {
    const abs = canonical(a[1]!, ctx.cwd);
    const n = ctx.device.mayAccess(abs, ctx.uid) ? ctx.device.fs.get(abs) : undefined;
    const op = a[0]!;
    res = !!n && (op === '-e' || op === '-r' || (op === '-f' && n.type === 'file') || (op === '-d' && n.type === 'dir') || (op === '-s' && n.type === 'file' && n.data.length > 0));
  } else if (a.length === 3 && (a[1] === '=' || a[1] === '!=')) res = (a[0] === a[2]) === (a[1] === '=');
  else if (a.length === 1) res = a[0] !== '';
  else return fail(`test: expression not simulated: ${args.join(' ')}`, 2);
  return res !== neg ? ok() : fail('', 1);
}

// -------------------------------------------------------------------- commands

const COMMANDS: Record<string, Command> = {
  sh: (args, ctx, stdin) => {
    const i = args.indexOf('-c');
    if (i < 0 || args[i + 1] === undefined) return fail('sh: interactive shells are not simulated; use sh -c', 2);
    return runLine(args[i + 1]!, { ...ctx }, stdin);
  },
  true: () => ok(),
  false: () => fail('', 1),
  cd: (args, ctx) => {
    const abs = canonical(args[0] ?? '/', ctx.cwd);
    if (ctx.device.stat(abs, ctx.uid).type !== 'dir') throw new FsError(abs, 'Not a directory');
    ctx.cwd = abs; // later commands of the same line run there
    return ok();
  },
  pwd: (_a, ctx) => ok(`${ctx.cwd}\n`),
  test: (args, ctx) => testExpr(args, ctx),
  '[': (args, ctx) => (args[args.length - 1] === ']' ? testExpr(args.slice(0, -1), ctx) : fail("[: missing ']'", 2)),
  echo: (args) => {
    const n = args[0] === '-n';
    const words = n ? args.slice(1) : args;
    return ok(words.join(' ') + (n ? '' : '\n'));
  },
  id: (_a, ctx) => {
    const name = ctx.device.uidName(ctx.uid);
    if (ctx.uid === ROOT_UID) return ok('uid=0(root) gid=0(root) groups=0(root) context=u:r:su:s0\n');
    if (ctx.uid === SHELL_UID) return ok('uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),1015(sdcard_rw),1028(sdcard_r),3001(net_bt_admin),3002(net_bt),3003(inet) context=u:r:shell:s0\n');
    return ok(`uid=${ctx.uid}(${name}) gid=${ctx.uid}(${name}) groups=${ctx.uid}(${name}),3003(inet),9997(everybody) context=u:r:untrusted_app:s0\n`);
  },
  whoami: (_a, ctx) => ok(`${ctx.device.uidName(ctx.uid)}\n`),
  'run-as': (args, ctx, stdin) => {
    let rest = args;
    if (rest[1] === '--user') rest = [rest[0]!, ...rest.slice(3)];
    const pkg = rest[0];
    if (!pkg) return fail('run-as: usage: run-as <package-name> [--user <uid>] <command> [<args>]');
    const app = ctx.device.packages.get(pkg);
    if (!app) return fail(`run-as: unknown package: ${pkg}`);
    if (!app.debuggable) return fail(`run-as: package not debuggable: ${pkg}`);
    if (rest.length < 2) return fail('run-as: an interactive shell is not simulated; give a command');
    return dispatch(rest.slice(1), { ...ctx, uid: app.uid, cwd: `/data/data/${pkg}` }, stdin);
  },
  su: (args, ctx, stdin) => {
    if (!ctx.device.root) return fail('/system/bin/sh: su: inaccessible or not found', 127);
    const root = { ...ctx, uid: ROOT_UID };
    if (args[0] === '-c') return runLine(args.slice(1).join(' '), root, stdin);
    if (args[0] === '0' || args[0] === 'root') {
      if (args[1] === '-c') return runLine(args.slice(2).join(' '), root, stdin);
      return args.length > 1 ? dispatch(args.slice(1), root, stdin) : fail('su: an interactive shell is not simulated; give a command');
    }
    return fail(`su: unknown user ${args[0] ?? ''}`);
  },
  cat: (args, ctx, stdin) => {
    if (args.length === 0) return ok(stdin);
    const outs: Buffer[] = [];
    let err = '';
    let code = 0;
    for (const f of args) {
      try {
        outs.push(ctx.device.readFile(canonical(f, ctx.cwd), ctx.uid));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        err += `cat: ${f}: ${e.reason}\n`;
        code = 1;
      }
    }
    return { out: Buffer.concat(outs), err, code };
  },
  base64: (args, ctx, stdin) => {
    const { flags, values, rest } = opts(args, ['w']);
    let data = stdin;
    if (rest[0]) {
      try {
        data = ctx.device.readFile(canonical(rest[0], ctx.cwd), ctx.uid);
      } catch (e) {
        if (e instanceof FsError) return fail(`base64: ${rest[0]}: ${e.reason}`);
        throw e;
      }
    }
    if (flags.has('d')) return ok(Buffer.from(data.toString('latin1').replace(/\s+/g, ''), 'base64'));
    const enc = data.toString('base64');
    const w = values.has('w') ? Number(values.get('w')) : 76;
    if (w === 0) return ok(enc);
    return ok(enc === '' ? '' : `${enc.match(new RegExp(`.{1,${w}}`, 'g'))!.join('\n')}\n`);
  },
  sha256sum: hashCmd('sha256'),
  sha1sum: hashCmd('sha1'),
  md5sum: hashCmd('md5'),
  stat: (args, ctx) => {
    const { values, rest } = opts(args, ['c']);
    const fmt = values.get('c') ?? '  File: %n\n  Size: %s\nAccess: (0%a/%A)  Uid: (%u/%U)\nModify: %Y';
    return prefixErr('stat', withFiles(rest, ctx, (abs, name) => `${statLine(fmt, ctx.device.stat(abs, ctx.uid), name, ctx)}\n`));
  },
  ls: (args, ctx) => {
    const { flags, rest } = opts(args);
    const long = flags.has('l');
    const all = flags.has('a');
    const targets = rest.length ? rest : ['.'];
    let out = '';
    let err = '';
    let code = 0;
    const line = (n: FsNode, name: string): string =>
      long ? `${permString(n)} ${n.type === 'dir' ? 2 : 1} ${ctx.device.uidName(n.uid)} ${ctx.device.uidName(n.uid)} ${n.type === 'dir' ? 4096 : n.data.length} ${lsDate(n.mtime)} ${name}\n` : `${name}\n`;
    for (const t of targets) {
      const abs = canonical(t, ctx.cwd);
      try {
        const n = ctx.device.stat(abs, ctx.uid);
        if (n.type === 'file') {
          out += line(n, t);
          continue;
        }
        if (targets.length > 1) out += `${t}:\n`;
        const names = ctx.device.list(abs, ctx.uid);
        if (long) out += `total ${names.length * 4}\n`;
        if (all) {
          out += line(n, '.');
          const parent = ctx.device.fs.get(path.posix.dirname(abs));
          if (parent) out += line(parent, '..');
        }
        for (const name of names) {
          if (!all && name.startsWith('.')) continue;
          out += line(ctx.device.fs.get(abs === '/' ? `/${name}` : `${abs}/${name}`)!, name);
        }
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        err += `ls: ${t}: ${e.reason}\n`;
        code = 1;
      }
    }
    return { out: Buffer.from(out), err, code };
  },
  find: (args, ctx, stdin) => {
    const paths: string[] = [];
    let i = 0;
    while (i < args.length && !args[i]!.startsWith('-') && args[i] !== '(' && args[i] !== '!') paths.push(args[i++]!);
    if (paths.length === 0) paths.push('.');
    let type: 'f' | 'd' | null = null;
    let nameGlob: RegExp | null = null;
    let maxDepth = Infinity;
    const execs: { argv: string[]; batch: boolean }[] = [];
    let printExplicit = false;
    while (i < args.length) {
      const a = args[i++]!;
      if (a === '-type') type = args[i++] === 'd' ? 'd' : 'f';
      else if (a === '-name') {
        const g = args[i++] ?? '';
        nameGlob = new RegExp(`^${g.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      } else if (a === '-maxdepth') maxDepth = Number(args[i++]);
      else if (a === '-print') printExplicit = true;
      else if (a === '-exec') {
        const argv: string[] = [];
        while (i < args.length && args[i] !== '+' && args[i] !== ';') argv.push(args[i++]!);
        if (i >= args.length) return fail("find: -exec needs ';' or '+'");
        execs.push({ argv, batch: args[i++] === '+' });
      } else return fail(`find: unknown argument '${a}' (not simulated)`);
    }
    const matched: string[] = [];
    let err = '';
    let code = 0;
    for (const p of paths) {
      const abs = canonical(p, ctx.cwd);
      const walk = (a: string, shown: string, depth: number): void => {
        const n = ctx.device.stat(a, ctx.uid);
        const okType = type === null || (type === 'f' ? n.type === 'file' : n.type === 'dir');
        if (okType && (!nameGlob || nameGlob.test(path.posix.basename(shown)))) matched.push(shown);
        if (n.type === 'dir' && depth < maxDepth) {
          for (const name of ctx.device.list(a, ctx.uid)) walk(a === '/' ? `/${name}` : `${a}/${name}`, shown === '/' ? `/${name}` : `${shown.replace(/\/$/, '')}/${name}`, depth + 1);
        }
      };
      try {
        walk(abs, p, 0);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        err += `find: '${p}': ${e.reason}\n`;
        code = 1;
      }
    }
    if (execs.length === 0 || printExplicit) {
      return { out: Buffer.from(matched.map((m) => `${m}\n`).join('')), err, code };
    }
    const outs: Buffer[] = [];
    for (const ex of execs) {
      const runs = ex.batch ? (matched.length ? [matched] : []) : matched.map((m) => [m]);
      for (const files of runs) {
        const argv = ex.argv.flatMap((x) => (x === '{}' ? files : [x]));
        const r = dispatch(argv, ctx, stdin);
        outs.push(r.out);
        err += r.err;
        if (r.code !== 0) code = 1;
      }
    }
    return { out: Buffer.concat(outs), err, code };
  },
  rm: (args, ctx) => {
    const { flags, rest } = opts(args);
    const r = withFiles(rest, ctx, (abs) => {
      if (!ctx.device.fs.has(abs) && flags.has('f') && ctx.device.mayAccess(abs, ctx.uid)) return '';
      ctx.device.remove(abs, ctx.uid, flags.has('r') || flags.has('R'));
      return '';
    });
    return prefixErr('rm', r);
  },
  mkdir: (args, ctx) => {
    const { flags, rest } = opts(args, ['m']);
    return prefixErr('mkdir', withFiles(rest, ctx, (abs) => {
      if (!flags.has('p') && ctx.device.fs.has(abs)) throw new FsError(abs, 'Is a directory');
      ctx.device.mkdirs(abs, ctx.uid);
      return '';
    }));
  },
  touch: (args, ctx) =>
    prefixErr('touch', withFiles(opts(args).rest, ctx, (abs) => {
      const n = ctx.device.fs.get(abs);
      if (n && ctx.device.mayAccess(abs, ctx.uid)) n.mtime = ctx.device.seconds();
      else ctx.device.writeFile(abs, Buffer.alloc(0), ctx.uid);
      return '';
    })),
  chmod: (args, ctx) => {
    const { rest } = opts(args);
    const [mode, ...files] = rest;
    if (!mode || !/^[0-7]{3,4}$/.test(mode)) return fail(`chmod: only octal modes are simulated: ${mode ?? ''}`);
    return prefixErr('chmod', withFiles(files, ctx, (abs) => {
      ctx.device.stat(abs, ctx.uid).mode = parseInt(mode, 8);
      return '';
    }));
  },
  cp: (args, ctx) => {
    const { rest } = opts(args);
    if (rest.length !== 2) return fail('cp: usage: cp [-f] SOURCE DEST (one file is simulated)');
    try {
      const data = ctx.device.readFile(canonical(rest[0]!, ctx.cwd), ctx.uid);
      let dest = canonical(rest[1]!, ctx.cwd);
      if (ctx.device.fs.get(dest)?.type === 'dir') dest = `${dest}/${path.posix.basename(rest[0]!)}`;
      ctx.device.writeFile(dest, data, ctx.uid);
      return ok();
    } catch (e) {
      if (e instanceof FsError) return fail(`cp: ${e.path}: ${e.reason}`);
      throw e;
    }
  },
  head: (args, _ctx, stdin) => {
    const { values } = opts(args, ['n']);
    const n = Number(values.get('n') ?? 10);
    const lines = stdin.toString('utf8').split('\n');
    return ok(lines.slice(0, n).join('\n') + (lines.length > n ? '\n' : ''));
  },
  grep: (args, _ctx, stdin) => {
    const { flags, rest } = opts(args, ['e']);
    const pat = rest[0] ?? '';
    const re = new RegExp(flags.has('F') ? pat.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pat, flags.has('i') ? 'i' : '');
    const lines = stdin.toString('utf8').split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));
    const hits = lines.filter((l) => re.test(l) !== flags.has('v'));
    if (flags.has('c')) return { out: Buffer.from(`${hits.length}\n`), err: '', code: hits.length ? 0 : 1 };
    return { out: Buffer.from(hits.map((l) => `${l}\n`).join('')), err: '', code: hits.length ? 0 : 1 };
  },
  wc: (args, _ctx, stdin) => {
    const { flags } = opts(args);
    if (flags.has('c')) return ok(`${stdin.length}\n`);
    return ok(`${(stdin.toString('utf8').match(/\n/g) ?? []).length}\n`);
  },
  date: (args, ctx) => {
    const d = ctx.device;
    const set = args.find((a) => a.startsWith('@'));
    if (set) {
      if (ctx.uid !== ROOT_UID) return fail('date: cannot set date: Operation not permitted');
      const secs = Number(set.slice(1));
      if (!Number.isFinite(secs)) return fail(`date: bad date '${set}'`);
      d.clockOffsetMs = secs * 1000 - Date.now();
    }
    const now = new Date(d.now());
    if (args.includes('+%s')) return ok(`${Math.floor(now.getTime() / 1000)}\n`);
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    return ok(`${days[now.getUTCDay()]} ${months[now.getUTCMonth()]} ${String(now.getUTCDate()).padStart(2, ' ')} ${pad2(now.getUTCHours())}:${pad2(now.getUTCMinutes())}:${pad2(now.getUTCSeconds())} UTC ${now.getUTCFullYear()}\n`);
  },
  getprop: (args, ctx) => {
    const d = ctx.device;
    const release: Record<number, string> = { 28: '9', 29: '10', 30: '11', 31: '12', 32: '12', 33: '13', 34: '14', 35: '15', 36: '16' };
    const props: Record<string, string> = {
      'ro.build.version.sdk': String(d.apiLevel),
      'ro.build.version.release': release[d.apiLevel] ?? String(d.apiLevel),
      'ro.debuggable': d.root ? '1' : '0',
      'ro.build.type': d.root ? 'userdebug' : 'user',
      'ro.product.model': 'sdk_gphone64_x86_64',
      'ro.product.manufacturer': 'Google',
      'ro.serialno': d.udid,
      'ro.kernel.qemu': '1',
      'sys.boot_completed': '1',
      'ro.sessionscope.simulated': 'true',
    };
    if (args[0]) return ok(`${props[args[0]] ?? ''}\n`);
    return ok(Object.entries(props).map(([k, v]) => `[${k}]: [${v}]\n`).join(''));
  },
  settings: (args, ctx) => {
    const [verb, ns, key, value] = args;
    if (ns !== 'secure' && ns !== 'global' && ns !== 'system') return fail('settings: usage: settings get|put secure|global|system KEY [VALUE]');
    const isAuto = ns === 'secure' && key === 'backup_auto_restore';
    if (verb === 'get') return ok(`${isAuto ? (ctx.device.autoRestore ? '1' : '0') : 'null'}\n`);
    if (verb === 'put') {
      if (ctx.uid !== ROOT_UID && ctx.uid !== SHELL_UID) return fail('settings: Permission denial');
      if (isAuto) ctx.device.autoRestore = value === '1';
      return ok();
    }
    return fail(`settings: unknown command '${verb ?? ''}'`);
  },
  input: (args, ctx) => {
    if (args[0] !== 'keyevent') return fail('input: only keyevent is simulated');
    const code = args[1] ?? '';
    if (code === '4' || code === 'KEYCODE_BACK') ctx.runtime.back();
    else if (code === '3' || code === 'KEYCODE_HOME') ctx.runtime.home();
    return ok();
  },
  monkey: (args, ctx) => {
    const p = args[args.indexOf('-p') + 1];
    if (args.indexOf('-p') < 0 || !p || !ctx.device.packages.has(p) || !launcherOf(ctx, p)) return fail('** No activities found to run, monkey aborted.', 252);
    ctx.runtime.activate(p);
    return ok('  bash arg: -p\n  bash arg: ' + p + '\nEvents injected: 1\n## Network stats: elapsed time=12ms (0ms mobile, 0ms wifi, 12ms not connected)\n');
  },
  am: (args, ctx) => {
    const [verb, ...rest] = args;
    if (verb === 'force-stop' || verb === 'kill') {
      const pkg = rest.filter((a) => !a.startsWith('-') && a !== 'all' && !/^\d+$/.test(a)).pop();
      if (pkg) ctx.device.forceStop(pkg);
      return ok();
    }
    if (verb !== 'start' && verb !== 'start-activity') return fail(`am: '${verb ?? ''}' is not simulated (start, start-activity, force-stop)`);
    let component: string | null = null;
    let pkg: string | null = null;
    let action: string | null = null;
    const categories: string[] = [];
    let wait = false;
    let stopFirst = false;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '-n') component = rest[++i] ?? null;
      else if (a === '-p') pkg = rest[++i] ?? null;
      else if (a === '-a') action = rest[++i] ?? null;
      else if (a === '-c') categories.push(rest[++i] ?? '');
      else if (a === '-W') wait = true;
      else if (a === '-S') stopFirst = true;
      else if (['-d', '-t', '-i', '-f', '--user', '--windowingMode', '--activityType', '--display'].includes(a)) i++;
      else if (/^--e[a-z]*$/.test(a)) i += a === '--esn' ? 1 : 2;
      else if (!a.startsWith('-') && a.includes('/')) component = a;
      else if (!a.startsWith('-')) pkg = a;
    }
    const d = ctx.device;
    let target: { pkg: string; cls: string } | null = null;
    if (component) {
      const [p, c = ''] = component.split('/');
      target = { pkg: p!, cls: c.startsWith('.') ? p! + c : c };
    } else if (pkg && (action === 'android.intent.action.MAIN' || categories.includes('android.intent.category.LAUNCHER') || !action)) {
      const l = launcherOf(ctx, pkg);
      if (l) target = { pkg, cls: l };
    }
    const desc = component ? `cmp=${component}` : [action && `act=${action}`, categories.length && `cat=[${categories.join(',')}]`, pkg && `pkg=${pkg}`].filter(Boolean).join(' ');
    const app = target ? d.packages.get(target.pkg) : undefined;
    if (!target || !app) return fail(`Error: Activity not started, unable to resolve Intent { ${desc} flg=0x10000000 }`, 1, `Starting: Intent { ${desc} }\n`);
    const act = app.activities.find((x) => x.name === target!.cls);
    if (!act) return fail(`Error type 3\nError: Activity class {${target.pkg}/${target.cls}} does not exist.`, 1, `Starting: Intent { ${desc} }\n`);
    if (!act.exported && ctx.uid !== ROOT_UID && ctx.uid !== app.uid) {
      return fail(
        `Exception occurred while executing '${verb}':\njava.lang.SecurityException: Permission Denial: starting Intent { flg=0x10000000 cmp=${shortComponent(target.pkg, target.cls)} } from null (pid=${d.newPid()}, uid=${ctx.uid}) not exported from uid ${app.uid}`,
        255,
        `Starting: Intent { ${desc} }\n`,
      );
    }
    if (stopFirst) d.forceStop(target.pkg);
    const cold = !d.processes.has(target.pkg);
    try {
      if (act.launcher && !component) ctx.runtime.activate(target.pkg);
      else ctx.runtime.startActivity(target.pkg, target.cls);
    } catch (e) {
      if (!(e instanceof AppCrashed)) throw e;
    }
    let out = `Starting: Intent { ${desc} }\n`;
    if (wait) out += `Status: ok\nLaunchState: ${cold ? 'COLD' : 'WARM'}\nActivity: ${shortComponent(target.pkg, target.cls)}\nTotalTime: 212\nWaitTime: 220\nComplete\n`;
    return ok(out);
  },
  pm: (args, ctx) => {
    const [verb, ...rest] = args;
    const d = ctx.device;
    const { flags, rest: names } = opts(rest, ['U', 'u']);
    if (verb === 'clear') {
      if (ctx.uid !== ROOT_UID && ctx.uid !== SHELL_UID) return fail('Security exception: pm clear');
      return d.clearData(names[0] ?? '') ? ok('Success\n') : fail('Failed', 1, 'Failed\n');
    }
    if (verb === 'list' && names[0] === 'packages') {
      const filter = names[1] ?? '';
      const system = ['android', 'com.android.settings', 'com.android.shell', 'com.android.providers.settings', 'com.android.localtransport', 'com.google.android.apps.nexuslauncher'];
      const user = [...d.packages.keys()];
      const all = flags.has('3') ? user : flags.has('s') ? system : [...system, ...user];
      return ok(all.filter((p) => p.includes(filter)).sort().map((p) => (flags.has('f') ? `package:${d.packages.get(p)?.apkPath ?? `/system/app/${p}.apk`}=${p}` : `package:${p}`) + '\n').join(''));
    }
    if (verb === 'path') {
      const app = d.packages.get(names[0] ?? '');
      return app ? ok(`package:/data/app/~~sim==/${app.pkg}-sim==/base.apk\n`) : fail('', 1);
    }
    if (verb === 'uninstall') {
      return d.uninstall(names[0] ?? '', flags.has('k')) ? ok('Success\n') : fail('Failure [DELETE_FAILED_INTERNAL_ERROR]', 1, 'Failure [DELETE_FAILED_INTERNAL_ERROR]\n');
    }
    return fail(`pm: '${verb ?? ''}' is not simulated (clear, list packages, path, uninstall)`);
  },
  dumpsys: (args, ctx) => {
    const d = ctx.device;
    if (args[0] === 'account') {
      let out = `User UserInfo{0:Owner:c13}:\n  Accounts: ${d.accounts.length}\n`;
      for (const a of d.accounts) out += `    Account {name=${a.name}, type=${a.type}}\n`;
      out += '\n  Active Sessions: 0\n\n';
      const types = new Map(d.accounts.map((a) => [a.type, a.ownerPkg]));
      out += `  RegisteredServicesCache: ${types.size} services\n`;
      for (const [type, pkg] of types) out += `    ServiceInfo: AuthenticatorDescription {type=${type}}, ComponentInfo{${pkg}/${pkg}.auth.AuthenticatorService}, uid ${d.packages.get(pkg)?.uid ?? 0}\n`;
      return ok(out);
    }
    if (args[0] === 'package' && args[1]) {
      const app = d.packages.get(args[1]);
      if (!app) return ok(`Unable to find package: ${args[1]}\n`);
      const flagList = ['HAS_CODE', 'ALLOW_CLEAR_USER_DATA', ...(app.debuggable ? ['DEBUGGABLE'] : []), ...(app.allowBackup ? ['ALLOW_BACKUP'] : [])];
      const t = new Date(app.installedAt).toISOString().replace('T', ' ').slice(0, 19);
      return ok(
        [
          'Packages:',
          `  Package [${app.pkg}] (sim${app.uid.toString(16)}):`,
          `    userId=${app.uid}`,
          `    pkg=Package{sim ${app.pkg}}`,
          `    codePath=/data/app/~~sim==/${app.pkg}-sim==`,
          `    versionCode=${app.versionCode} minSdk=${app.minSdk} targetSdk=${app.targetSdk}`,
          `    versionName=${app.versionName ?? ''}`,
          `    flags=[ ${flagList.join(' ')} ]`,
          `    dataDir=/data/user/0/${app.pkg}`,
          `    firstInstallTime=${t}`,
          `    lastUpdateTime=${t}`,
          `    apkSha256=${app.sha256}`,
          '',
        ].join('\n'),
      );
    }
    return fail(`dumpsys: '${args.join(' ')}' is not simulated (account, package <pkg>)`);
  },
  bmgr: (args, ctx) => {
    const d = ctx.device;
    const [verb, ...rest] = args;
    switch (verb) {
      case 'enabled':
        return ok(`Backup Manager currently ${d.bmgrEnabled ? 'enabled' : 'disabled'}\n`);
      case 'enable':
        d.bmgrEnabled = rest[0] === 'true';
        return ok(`Backup Manager now ${d.bmgrEnabled ? 'enabled' : 'disabled'}\n`);
      case 'list':
        if (rest[0] === 'transports') return ok(d.transportKind === 'local' ? `  ${d.selectedTransport === LOCAL_TRANSPORT ? '*' : ' '} ${LOCAL_TRANSPORT}\n` : '');
        if (rest[0] === 'sets') return ok(d.backupSets.size ? `  ${d.backupToken} : sdk_gphone64_x86_64\n` : 'No restore sets available\n');
        return fail(`bmgr: unknown list '${rest[0] ?? ''}'`);
      case 'transport': {
        const name = rest.filter((a) => !a.startsWith('-'))[0] ?? '';
        if (d.transportKind !== 'local' || name !== LOCAL_TRANSPORT) return ok(`Unknown transport '${name}' specified.\n`);
        const old = d.selectedTransport ?? 'null';
        d.selectedTransport = name;
        return ok(`Selected transport ${name} (formerly ${old})\n`);
      }
      case 'backupnow': {
        const pkgs = rest.filter((a) => !a.startsWith('-'));
        if (rest.includes('--all')) pkgs.push(...d.packages.keys());
        if (!d.bmgrEnabled) return ok('Backup Manager currently disabled\n');
        let out = `Running incremental backup for ${pkgs.length} requested packages.\n`;
        if (!d.selectedTransport) {
          for (const p of pkgs) out += `Package ${p} with result: Transport error\n`;
          return ok(`${out}Backup finished with result: Transport error\n`);
        }
        out += 'Package @pm@ with result: Success\n';
        for (const p of pkgs) {
          const result = d.packages.has(p)
            ? (() => {
                const o = ctx.runtime.backupOverride(p);
                return d.backupNow(p, o.decide, o.carryKey);
              })()
            : 'Package not found';
          out += `Package ${p} with result: ${result}\n`;
        }
        return ok(`${out}Backup finished with result: Success\n`);
      }
      case 'backup':
        return ok();
      case 'restore': {
        const [a, b] = rest;
        const pkg = b ?? a;
        const token = b ? a : d.backupToken;
        const set = pkg ? d.backupSets.get(pkg) : undefined;
        const app = pkg ? d.packages.get(pkg) : undefined;
        if (token !== d.backupToken || !set || !app) return ok(`No matching restore set token.  Available sets:\n${d.backupSets.size ? `  ${d.backupToken} : sdk_gphone64_x86_64\n` : ''}done\n`);
        d.forceStop(app.pkg);
        d.restoreSet(app, set);
        return ok(`Scheduling restore: sdk_gphone64_x86_64\nrestoreStarting: 1 packages\nonUpdate: 0 = ${app.pkg}\nrestoreFinished: 0\ndone\n`);
      }
      case 'wipe': {
        const pkg = rest[1];
        if (pkg) d.backupSets.delete(pkg);
        return ok(`Wiped backup data for ${pkg ?? ''} on ${rest[0] ?? ''}\n`);
      }
      default:
        return fail(`bmgr: '${verb ?? ''}' is not simulated (enabled, enable, list transports|sets, transport, backupnow, restore, wipe)`);
    }
  },
};
