import { describe, expect, it } from 'vitest';
import { findEntryButton, findLoginForm, findLogout, findMenus, parseHierarchy, pickLoggedInMarker, selectorFor } from '../../dynamic/autopilot.js';

const PKG = 'com.example.insecureinvoice';
const node = (cls: string, attrs: Record<string, string>): string =>
  `<${cls} class="${cls}" package="${PKG}" ${Object.entries(attrs).map(([k, v]) => `${k}="${v}"`).join(' ')} displayed="true" enabled="true"/>`;

const LOGIN = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy>
${node('android.widget.TextView', { text: 'Insecure Invoice', 'resource-id': '' })}
${node('android.widget.EditText', { text: '', 'resource-id': `${PKG}:id/username`, 'content-desc': 'username', hint: 'User', clickable: 'true', password: 'false' })}
${node('android.widget.EditText', { text: '', 'resource-id': `${PKG}:id/password`, 'content-desc': 'password', hint: 'Password', clickable: 'true', password: 'true' })}
${node('android.widget.Button', { text: 'Log in', 'resource-id': `${PKG}:id/login`, 'content-desc': 'login', clickable: 'true', password: 'false' })}
</hierarchy>`;

const HOME = `<hierarchy>
${node('android.widget.TextView', { text: 'Invoices', 'resource-id': `${PKG}:id/invoices_title` })}
${node('android.widget.TextView', { text: 'INV-1001  Acme Corp', 'resource-id': '' })}
${node('android.widget.ImageView', { 'content-desc': 'More options', clickable: 'true' })}
</hierarchy>`;

describe('autopilot: reading the screen', () => {
  it('finds the password field, the user field before it and the submit button', () => {
    const nodes = parseHierarchy(LOGIN);
    const form = findLoginForm(nodes)!;
    expect(form.user!.resourceId).toBe(`${PKG}:id/username`);
    expect(form.password.resourceId).toBe(`${PKG}:id/password`);
    expect(form.submit.text).toBe('Log in');
    expect(selectorFor(form.password, nodes, PKG)).toEqual({ strategy: 'id', value: 'password' });
    expect(selectorFor(nodes[0]!, nodes, PKG)).toEqual({ strategy: 'text', value: 'Insecure Invoice' });
  });

  it('has no form without a password field; an entry button leads to it', () => {
    const start = parseHierarchy(`<hierarchy>${node('android.widget.Button', { text: 'Sign in', clickable: 'true' })}${node('android.widget.Button', { text: 'Create account', clickable: 'true' })}</hierarchy>`);
    expect(findLoginForm(start)).toBeNull();
    expect(findEntryButton(start)!.text).toBe('Sign in');
  });

  it('finds logout directly, else menus in order: overflow, drawer, settings/profile/account', () => {
    expect(findLogout(parseHierarchy(`<hierarchy>${node('android.widget.Button', { text: 'Sign out', clickable: 'true' })}</hierarchy>`))!.text).toBe('Sign out');
    expect(findLogout(parseHierarchy(`<hierarchy>${node('android.widget.ImageButton', { 'resource-id': `${PKG}:id/btn_logout` })}</hierarchy>`))).not.toBeNull();
    const menus = findMenus(
      parseHierarchy(`<hierarchy>${node('android.widget.TextView', { text: 'Profile', clickable: 'true' })}${node('android.widget.ImageButton', { 'content-desc': 'Open navigation drawer' })}${node('android.widget.ImageView', { 'content-desc': 'More options' })}</hierarchy>`),
    );
    expect(menus.map((n) => n.contentDesc || n.text)).toEqual(['More options', 'Open navigation drawer', 'Profile']);
  });

  it('picks a loggedIn marker the login screen did not have', () => {
    expect(pickLoggedInMarker(parseHierarchy(HOME), parseHierarchy(LOGIN), PKG)).toEqual({ strategy: 'id', value: 'invoices_title' });
    const withLogout = `<hierarchy>${node('android.widget.Button', { text: 'Log out', 'resource-id': `${PKG}:id/logout`, clickable: 'true' })}</hierarchy>`;
    expect(pickLoggedInMarker(parseHierarchy(withLogout), parseHierarchy(LOGIN), PKG)).toEqual({ strategy: 'id', value: 'logout' });
  });

  it('unescapes attribute values and falls back to an indexed XPath for twins', () => {
    const nodes = parseHierarchy(`<hierarchy>${node('android.widget.TextView', { text: 'A &amp; B' })}${node('android.widget.TextView', { text: 'A &amp; B' })}</hierarchy>`);
    expect(nodes[0]!.text).toBe('A & B');
    expect(selectorFor(nodes[1]!, nodes, PKG)).toEqual({ strategy: 'xpath', value: '(//android.widget.TextView)[2]' });
  });
});
