/**
 * SIMULATION: what is on the simulated screen. A screen of a behaviour file (or the home screen
 * launcher) becomes a tree of nodes shaped like UiAutomator2's accessibility dump; the same tree
 * gives the page source XML, answers the locator strategies (id, accessibility id, class name,
 * an XPath subset, `-android uiautomator` UiSelector chains) and is drawn into the screenshot.
 */
import { Canvas, lineHeight, textWidth, type Rgb } from './png.js';

export const SCREEN_WIDTH = 1080;
export const SCREEN_HEIGHT = 1920;
const STATUS_BAR = 63;
const ACTION_BAR = 147;
const PADDING = 48;

export interface ElementSpec {
  /** Resource id name: the node's resource-id is `<package>:id/<id>`. */
  id?: string;
  class: string;
  contentDesc?: string;
  text?: string;
  hint?: string;
  password?: boolean;
  /** What a click does: an app action (see behaviour.ts). */
  onClick?: 'login' | 'logout';
  /** Text size in sp; 20 and more draws as a heading. */
  textSize?: number;
}

export interface ScreenSpec {
  /** Activity class, relative (".LoginActivity") or fully qualified. */
  activity: string;
  /** The action bar title (the activity label). */
  title: string;
  /** `session`: the screen sends the user to the login screen when there is no session. */
  guard?: 'none' | 'session';
  /** What Back does on the only screen of the task: `stay` (consumed) or `background` (default). */
  backAtRoot?: 'stay' | 'background';
  elements: ElementSpec[];
}

export type Style = 'hierarchy' | 'frame' | 'actionbar' | 'title' | 'edittext' | 'button' | 'text' | 'heading' | 'launcher' | 'icon' | 'clock';

export interface UiNode {
  cls: string;
  pkg: string;
  text: string;
  resourceId: string;
  contentDesc: string;
  hint: string;
  password: boolean;
  clickable: boolean;
  focusable: boolean;
  focused: boolean;
  longClickable: boolean;
  scrollable: boolean;
  showingHint: boolean;
  bounds: [number, number, number, number];
  children: UiNode[];
  /** Index among the parent's children. */
  index: number;
  /** Path of child indices from the root, e.g. "0/0/1/0/2": the node's identity in a screen. */
  key: string;
  /** Index of the element in the screen spec, for actionable nodes. */
  element: number | null;
  style: Style;
  parent: UiNode | null;
}

function node(partial: Partial<UiNode> & Pick<UiNode, 'cls' | 'pkg' | 'bounds' | 'style'>): UiNode {
  return {
    text: '',
    resourceId: '',
    contentDesc: '',
    hint: '',
    password: false,
    clickable: false,
    focusable: false,
    focused: false,
    longClickable: false,
    scrollable: false,
    showingHint: false,
    children: [],
    index: 0,
    key: '',
    element: null,
    parent: null,
    ...partial,
  };
}

function finish(root: UiNode): UiNode {
  const walk = (n: UiNode, key: string, parent: UiNode | null): void => {
    n.key = key;
    n.parent = parent;
    n.children.forEach((c, i) => {
      c.index = i;
      walk(c, key === '' ? String(i) : `${key}/${i}`, n);
    });
  };
  walk(root, '', null);
  return root;
}

function elementHeight(e: ElementSpec): number {
  if (e.class.endsWith('EditText')) return 150;
  if (e.class.endsWith('Button')) return 144;
  return (e.textSize ?? 14) >= 20 ? lineHeight(8) + 36 : lineHeight(3) + 30;
}

/** An app screen with the values currently typed into its fields. */
export function screenTree(pkg: string, screen: ScreenSpec, fields: Record<string, string>, focused: string | null): UiNode {
  const W = SCREEN_WIDTH;
  const H = SCREEN_HEIGHT;
  const content: UiNode[] = [];
  let y = STATUS_BAR + ACTION_BAR + PADDING;
  screen.elements.forEach((e, i) => {
    const h = elementHeight(e);
    const bounds: [number, number, number, number] = [PADDING, y, W - PADDING, y + h];
    y += h + 12;
    const key = e.id ?? `#${i}`;
    const isField = e.class.endsWith('EditText');
    const isButton = e.class.endsWith('Button');
    const value = fields[key] ?? '';
    const showingHint = isField && value === '';
    const text = isField ? (showingHint ? (e.hint ?? '') : e.password ? '\u2022'.repeat([...value].length) : value) : (e.text ?? '');
    content.push(
      node({
        cls: e.class,
        pkg,
        text,
        resourceId: e.id ? `${pkg}:id/${e.id}` : '',
        contentDesc: e.contentDesc ?? '',
        hint: e.hint ?? '',
        password: !!e.password,
        clickable: isField || isButton || !!e.onClick,
        focusable: isField || isButton,
        focused: isField && focused === key,
        longClickable: isField,
        showingHint,
        bounds,
        element: i,
        style: isField ? 'edittext' : isButton ? 'button' : (e.textSize ?? 14) >= 20 ? 'heading' : 'text',
      }),
    );
  });
  const body = node({ cls: 'android.widget.LinearLayout', pkg, bounds: [0, STATUS_BAR + ACTION_BAR, W, H], style: 'frame', children: content });
  const contentFrame = node({ cls: 'android.widget.FrameLayout', pkg, resourceId: 'android:id/content', bounds: [0, STATUS_BAR + ACTION_BAR, W, H], style: 'frame', children: [body] });
  const title = node({ cls: 'android.widget.TextView', pkg, text: screen.title, bounds: [42, STATUS_BAR + 40, W - 42, STATUS_BAR + ACTION_BAR - 40], style: 'title' });
  const actionBar = node({ cls: 'android.view.ViewGroup', pkg, resourceId: 'android:id/action_bar', bounds: [0, STATUS_BAR, W, STATUS_BAR + ACTION_BAR], style: 'actionbar', children: [title] });
  const decor = node({
    cls: 'android.widget.FrameLayout',
    pkg,
    bounds: [0, 0, W, H],
    style: 'frame',
    children: [node({ cls: 'android.widget.LinearLayout', pkg, bounds: [0, 0, W, H], style: 'frame', children: [actionBar, contentFrame] })],
  });
  return finish(node({ cls: 'hierarchy', pkg: '', bounds: [0, 0, W, H], style: 'hierarchy', children: [decor] }));
}

/** The home screen: a clock and one icon per installed app (label as text and content-desc). */
export function launcherTree(launcherPkg: string, apps: { label: string }[], clock: string): UiNode {
  const W = SCREEN_WIDTH;
  const icons = apps.map((a, i) => {
    const col = i % 4;
    const row = Math.floor(i / 4);
    const x = 40 + col * 250;
    const y = 620 + row * 320;
    return node({ cls: 'android.widget.TextView', pkg: launcherPkg, text: a.label, contentDesc: a.label, clickable: true, focusable: true, bounds: [x, y, x + 250, y + 300], style: 'icon' });
  });
  const clockNode = node({ cls: 'android.widget.TextView', pkg: launcherPkg, text: clock, resourceId: `${launcherPkg}:id/clock`, bounds: [0, 200, W, 380], style: 'clock' });
  const ws = node({ cls: 'android.widget.FrameLayout', pkg: launcherPkg, resourceId: `${launcherPkg}:id/workspace`, bounds: [0, 0, W, SCREEN_HEIGHT], style: 'launcher', children: [clockNode, ...icons] });
  return finish(node({ cls: 'hierarchy', pkg: '', bounds: [0, 0, W, SCREEN_HEIGHT], style: 'hierarchy', children: [ws] }));
}

// -------------------------------------------------------------------- page source

const b = (v: boolean): string => (v ? 'true' : 'false');

export function boundsText(n: UiNode): string {
  const [x1, y1, x2, y2] = n.bounds;
  return `[${x1},${y1}][${x2},${y2}]`;
}

/** Attributes in UiAutomator2's order, as strings. */
export function attributes(n: UiNode): [string, string][] {
  if (n.cls === 'hierarchy') return [['index', '0'], ['class', 'hierarchy'], ['rotation', '0'], ['width', String(SCREEN_WIDTH)], ['height', String(SCREEN_HEIGHT)]];
  return [
    ['index', String(n.index)],
    ['package', n.pkg],
    ['class', n.cls],
    ['text', n.text],
    ['resource-id', n.resourceId],
    ['checkable', 'false'],
    ['checked', 'false'],
    ['clickable', b(n.clickable)],
    ['enabled', 'true'],
    ['focusable', b(n.focusable)],
    ['focused', b(n.focused)],
    ['long-clickable', b(n.longClickable)],
    ['password', b(n.password)],
    ['scrollable', b(n.scrollable)],
    ['selected', 'false'],
    ['bounds', boundsText(n)],
    ['displayed', 'true'],
    ['content-desc', n.contentDesc],
    ['hint', n.hint],
    ['showing-hint', b(n.showingHint)],
  ];
}

export function attribute(n: UiNode, name: string): string | null {
  const aliases: Record<string, string> = {
    resourceId: 'resource-id',
    'resource-id': 'resource-id',
    contentDescription: 'content-desc',
    'content-desc': 'content-desc',
    name: 'content-desc',
    className: 'class',
    longClickable: 'long-clickable',
    showingHint: 'showing-hint',
  };
  const key = aliases[name] ?? name;
  const found = attributes(n).find(([k]) => k === key);
  return found ? found[1] : null;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

export function pageSource(root: UiNode): string {
  const out: string[] = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"];
  const walk = (n: UiNode, depth: number): void => {
    const tag = n.cls;
    const attrs = attributes(n).map(([k, v]) => `${k}="${xmlEscape(v)}"`).join(' ');
    const pad = '  '.repeat(depth);
    if (n.children.length === 0) out.push(`${pad}<${tag} ${attrs} />`);
    else {
      out.push(`${pad}<${tag} ${attrs}>`);
      for (const c of n.children) walk(c, depth + 1);
      out.push(`${pad}</${tag}>`);
    }
  };
  walk(root, 0);
  return out.join('\n');
}

// -------------------------------------------------------------------- locators

export class SelectorError extends Error {}

export function allNodes(root: UiNode): UiNode[] {
  const out: UiNode[] = [];
  const walk = (n: UiNode): void => {
    if (n.cls !== 'hierarchy') out.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** `id`: a full `pkg:id/name`, or a bare name looked up in the foreground package, then `android`. */
export function findById(root: UiNode, selector: string, pkg: string): UiNode[] {
  const nodes = allNodes(root);
  const candidates = selector.includes(':id/') ? [selector] : [`${pkg}:id/${selector}`, `android:id/${selector}`];
  for (const c of candidates) {
    const hit = nodes.filter((n) => n.resourceId === c);
    if (hit.length) return hit;
  }
  return [];
}

// ---- XPath subset: absolute and relative steps with / and //, node tests `*` or a class name,
// predicates [n], [last()], [@a], [@a="v"], [@a!="v"], [contains(@a,"v")], [starts-with(@a,"v")],
// [text()="v"], not(), and/or, and a parenthesised whole path followed by [n].

type Pred = (n: UiNode, pos: number, size: number) => boolean;
interface Step {
  axis: 'child' | 'descendant' | 'parent' | 'self';
  test: string;
  preds: Pred[];
}

class XPathParser {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (/\s/.test(this.s[this.i] ?? '')) this.i++;
  }

  private peek(str: string): boolean {
    this.ws();
    return this.s.startsWith(str, this.i);
  }

  private eat(str: string): boolean {
    if (this.peek(str)) {
      this.i += str.length;
      return true;
    }
    return false;
  }

  private expect(str: string): void {
    if (!this.eat(str)) throw new SelectorError(`expected '${str}' at position ${this.i} in ${this.s}`);
  }

  private fail(what: string): never {
    throw new SelectorError(`unsupported XPath ${what} at position ${this.i} in ${this.s}`);
  }

  parse(): { steps: Step[]; outer: Pred[]; absolute: boolean } {
    let steps: Step[];
    let outer: Pred[] = [];
    let absolute = true;
    if (this.eat('(')) {
      ({ steps, absolute } = this.path());
      this.expect(')');
      outer = this.preds();
    } else ({ steps, absolute } = this.path());
    this.ws();
    if (this.i < this.s.length) this.fail(`text '${this.s.slice(this.i)}'`);
    return { steps, outer, absolute };
  }

  private path(): { steps: Step[]; absolute: boolean } {
    const steps: Step[] = [];
    this.ws();
    const absolute = this.peek('/');
    let first = true;
    for (;;) {
      let axis: Step['axis'];
      if (this.eat('//')) axis = 'descendant';
      else if (this.eat('/')) axis = 'child';
      else if (first) axis = 'child';
      else break;
      first = false;
      this.ws();
      if (this.eat('..')) {
        steps.push({ axis: 'parent', test: '*', preds: [] });
        continue;
      }
      if (this.eat('.')) {
        steps.push({ axis: axis === 'descendant' ? 'descendant' : 'self', test: '*', preds: [] });
        continue;
      }
      const m = /^(\*|[A-Za-z_][\w.$-]*)/.exec(this.s.slice(this.i));
      if (!m) this.fail('node test');
      this.i += m[0].length;
      steps.push({ axis, test: m[0], preds: this.preds() });
    }
    return { steps, absolute };
  }

  private preds(): Pred[] {
    const preds: Pred[] = [];
    while (this.eat('[')) {
      preds.push(this.or());
      this.expect(']');
    }
    return preds;
  }

  private or(): Pred {
    let left = this.and();
    while (this.eatWord('or')) {
      const l = left;
      const r = this.and();
      left = (n, p, s) => l(n, p, s) || r(n, p, s);
    }
    return left;
  }

  private and(): Pred {
    let left = this.unary();
    while (this.eatWord('and')) {
      const l = left;
      const r = this.unary();
      left = (n, p, s) => l(n, p, s) && r(n, p, s);
    }
    return left;
  }

  private eatWord(w: string): boolean {
    this.ws();
    if (this.s.startsWith(w, this.i) && !/[\w-]/.test(this.s[this.i + w.length] ?? '')) {
      this.i += w.length;
      return true;
    }
    return false;
  }

  private str(): string {
    this.ws();
    const q = this.s[this.i];
    if (q !== '"' && q !== "'") this.fail('string literal');
    const end = this.s.indexOf(q, this.i + 1);
    if (end < 0) this.fail('unterminated string');
    const v = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return v;
  }

  private operand(): (n: UiNode) => string | null {
    this.ws();
    if (this.eat('@')) {
      const m = /^[\w-]+/.exec(this.s.slice(this.i));
      if (!m) this.fail('attribute name');
      this.i += m[0].length;
      const name = m[0];
      return (n) => attribute(n, name);
    }
    if (this.eat('text()')) return (n) => n.text;
    this.fail('operand');
  }

  private unary(): Pred {
    this.ws();
    if (this.eat('(')) {
      const e = this.or();
      this.expect(')');
      return e;
    }
    const num = /^\d+/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      const want = Number(num[0]);
      return (_n, pos) => pos === want;
    }
    if (this.eat('last()')) return (_n, pos, size) => pos === size;
    if (this.eatWord('not')) {
      this.expect('(');
      const e = this.or();
      this.expect(')');
      return (n, p, s) => !e(n, p, s);
    }
    for (const fn of ['contains', 'starts-with'] as const) {
      if (this.eatWord(fn)) {
        this.expect('(');
        const a = this.operand();
        this.expect(',');
        const v = this.str();
        this.expect(')');
        return fn === 'contains' ? (n) => (a(n) ?? '').includes(v) : (n) => (a(n) ?? '').startsWith(v);
      }
    }
    const a = this.operand();
    if (this.eat('!=')) {
      const v = this.str();
      return (n) => a(n) !== null && a(n) !== v;
    }
    if (this.eat('=')) {
      const v = this.str();
      return (n) => a(n) === v;
    }
    return (n) => a(n) !== null && a(n) !== '';
  }
}

function applyPreds(nodes: UiNode[], preds: Pred[]): UiNode[] {
  let cur = nodes;
  for (const p of preds) {
    const size = cur.length;
    cur = cur.filter((n, i) => p(n, i + 1, size));
  }
  return cur;
}

function descendantsOrSelf(n: UiNode): UiNode[] {
  const out: UiNode[] = [n];
  for (const c of n.children) out.push(...descendantsOrSelf(c));
  return out;
}

const matches = (test: string) => (n: UiNode): boolean => test === '*' ? n.cls !== 'hierarchy' : n.cls === test;

export function findByXPath(root: UiNode, xpath: string): UiNode[] {
  const { steps, outer } = new XPathParser(xpath).parse();
  if (steps.length === 0) throw new SelectorError(`empty XPath: ${xpath}`);
  // The document node is the parent of <hierarchy>.
  const doc: UiNode = { ...root, cls: '#document', children: [root] };
  let ctx: UiNode[] = [doc];
  for (const step of steps) {
    const next: UiNode[] = [];
    for (const c of ctx) {
      if (step.axis === 'parent') {
        if (c.parent) next.push(c.parent);
        continue;
      }
      if (step.axis === 'self') {
        next.push(...applyPreds([c].filter(matches(step.test)), step.preds));
        continue;
      }
      // child:: of the context, or child:: of every descendant-or-self (XPath's //).
      const parents = step.axis === 'descendant' ? descendantsOrSelf(c) : [c];
      for (const p of parents) next.push(...applyPreds(p.children.filter(matches(step.test)), step.preds));
    }
    ctx = [...new Set(next)];
  }
  const order = new Map(descendantsOrSelf(root).map((n, i) => [n, i]));
  ctx.sort((a, b2) => (order.get(a) ?? 0) - (order.get(b2) ?? 0));
  return applyPreds(ctx, outer);
}

// ---- UiSelector: `new UiSelector().text("x").className("y")...`

export function findByUiSelector(root: UiNode, selector: string): UiNode[] {
  const s = selector.trim().replace(/;$/, '');
  const head = /^new\s+UiSelector\s*\(\s*\)/.exec(s);
  if (!head) throw new SelectorError(`only 'new UiSelector()...' chains are simulated: ${selector}`);
  let rest = s.slice(head[0].length);
  const filters: ((n: UiNode) => boolean)[] = [];
  let instance: number | null = null;
  const call = /^\s*\.\s*(\w+)\s*\(\s*("(?:[^"\\]|\\.)*"|-?\d+|true|false)\s*\)/;
  while (rest.trim() !== '') {
    const m = call.exec(rest);
    if (!m) throw new SelectorError(`cannot parse UiSelector at '${rest.trim()}'`);
    rest = rest.slice(m[0].length);
    const method = m[1]!;
    const raw = m[2]!;
    const arg = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    const re = (): RegExp => new RegExp(`^(?:${arg})$`);
    const boolAttr = (name: string) => (n: UiNode) => attribute(n, name) === String(arg);
    switch (method) {
      case 'resourceId': filters.push((n) => n.resourceId === arg); break;
      case 'resourceIdMatches': { const r = re(); filters.push((n) => r.test(n.resourceId)); break; }
      case 'text': filters.push((n) => n.text === arg); break;
      case 'textContains': filters.push((n) => n.text.includes(String(arg))); break;
      case 'textStartsWith': filters.push((n) => n.text.startsWith(String(arg))); break;
      case 'textMatches': { const r = re(); filters.push((n) => r.test(n.text)); break; }
      case 'description': filters.push((n) => n.contentDesc === arg); break;
      case 'descriptionContains': filters.push((n) => n.contentDesc.includes(String(arg))); break;
      case 'descriptionStartsWith': filters.push((n) => n.contentDesc.startsWith(String(arg))); break;
      case 'descriptionMatches': { const r = re(); filters.push((n) => r.test(n.contentDesc)); break; }
      case 'className': filters.push((n) => n.cls === arg); break;
      case 'classNameMatches': { const r = re(); filters.push((n) => r.test(n.cls)); break; }
      case 'packageName': filters.push((n) => n.pkg === arg); break;
      case 'index': filters.push((n) => n.index === Number(arg)); break;
      case 'instance': instance = Number(arg); break;
      case 'clickable': case 'enabled': case 'focusable': case 'focused': case 'checked': case 'checkable': case 'selected': case 'scrollable':
        filters.push(boolAttr(method)); break;
      case 'longClickable': filters.push(boolAttr('long-clickable')); break;
      default:
        throw new SelectorError(`UiSelector.${method}() is not simulated`);
    }
  }
  const hits = allNodes(root).filter((n) => filters.every((f) => f(n)));
  if (instance !== null) return hits[instance] ? [hits[instance]!] : [];
  return hits;
}

// -------------------------------------------------------------------- drawing

const INK: Rgb = [33, 33, 33];
const HINT: Rgb = [158, 158, 158];
const ACCENT: Rgb = [0, 150, 136];
const PRIMARY: Rgb = [55, 71, 79];
const PRIMARY_DARK: Rgb = [38, 50, 56];
const WHITE: Rgb = [255, 255, 255];

const rendered = new Map<string, Buffer>();

/** Draws a screen tree (with the status bar, which is not part of the app's hierarchy). */
export function render(root: UiNode, clock: string): Buffer {
  // The picture depends only on the tree and the clock: keep the last few (drivers take many).
  const key = `${clock}\n${pageSource(root)}`;
  const hit = rendered.get(key);
  if (hit) return hit;
  const png = draw(root, clock);
  rendered.set(key, png);
  if (rendered.size > 16) rendered.delete(rendered.keys().next().value!);
  return png;
}

function draw(root: UiNode, clock: string): Buffer {
  const c = new Canvas(SCREEN_WIDTH, SCREEN_HEIGHT, WHITE);
  const launcher = root.children[0]?.style === 'launcher';
  const centerY = (n: UiNode, scale: number): number => Math.round((n.bounds[1] + n.bounds[3] - 7 * scale) / 2);
  const draw = (n: UiNode): void => {
    const [x1, y1, x2, y2] = n.bounds;
    const w = x2 - x1;
    const h = y2 - y1;
    switch (n.style) {
      case 'launcher':
        c.fillRect(x1, y1, w, h, [26, 35, 126]);
        break;
      case 'clock':
        c.text(Math.round((SCREEN_WIDTH - textWidth(n.text, 16)) / 2), y1 + 20, n.text, 16, WHITE);
        break;
      case 'icon': {
        const label = n.text.length > 12 ? `${n.text.slice(0, 11)}.` : n.text;
        c.fillRect(x1 + 65, y1 + 20, 120, 120, [236, 239, 241]);
        c.text(x1 + 65 + 60 - 15, y1 + 20 + 60 - 21, (n.text[0] ?? '?').toUpperCase(), 6, PRIMARY);
        c.text(x1 + Math.max(0, Math.round((w - textWidth(label, 3)) / 2)), y1 + 170, label, 3, WHITE);
        break;
      }
      case 'actionbar':
        c.fillRect(x1, y1, w, h, PRIMARY);
        break;
      case 'title':
        c.text(x1, centerY(n, 5), n.text, 5, WHITE, w);
        break;
      case 'edittext':
        c.text(x1 + 12, centerY(n, 5), n.text, 5, n.showingHint ? HINT : INK, w - 24);
        c.fillRect(x1, y2 - 18, w, n.focused ? 6 : 3, n.focused ? ACCENT : HINT);
        break;
      case 'button': {
        c.fillRect(x1, y1 + 8, w, h - 12, [189, 189, 189]);
        c.fillRect(x1, y1 + 6, w, h - 16, [214, 215, 215]);
        const label = n.text.toUpperCase();
        c.text(x1 + Math.round((w - textWidth(label, 5)) / 2), centerY(n, 5) - 2, label, 5, INK, w);
        break;
      }
      case 'heading':
        c.text(x1, centerY(n, 8), n.text, 8, INK, w);
        break;
      case 'text':
        c.text(x1, centerY(n, 3), n.text, 3, INK, w);
        break;
      default:
        break;
    }
    n.children.forEach(draw);
  };
  draw(root);
  // Status bar: the clock, and a plain statement that this is not a real device.
  c.fillRect(0, 0, SCREEN_WIDTH, STATUS_BAR, launcher ? [26, 35, 126] : PRIMARY_DARK);
  c.text(36, 18, clock, 4, WHITE);
  const note = 'SIMULATED DEVICE';
  c.text(SCREEN_WIDTH - 36 - textWidth(note, 3), 21, note, 3, [255, 213, 79]);
  return c.toPng();
}
