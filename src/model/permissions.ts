/**
 * How much a permission on a component protects it. A component is open to every app when it
 * has no permission, or only a `normal`-level one: Android grants normal permissions to any app
 * that lists them, at install, without asking the user (developer.android.com/guide/topics/
 * permissions/overview, "Install-time permissions"; <permission> protectionLevel defaults to
 * normal). `dangerous` needs the user's consent and `signature` the same signing key: protected.
 * A permission the app does not declare and that is not a platform one is defined by another app
 * (usually the same vendor's) and counted as protecting: its level cannot be read from this APK.
 */
import type { Manifest } from './manifest.js';

/** platform: an android.permission.* above normal (dangerous or signature: both need more than asking). */
export type Protection = 'none' | 'normal' | 'dangerous' | 'signature' | 'platform' | 'external';

/** Platform permissions with protectionLevel normal (frameworks/base core/res/AndroidManifest.xml). */
const PLATFORM_NORMAL = new Set(
  [
    'INTERNET', 'ACCESS_NETWORK_STATE', 'ACCESS_WIFI_STATE', 'CHANGE_NETWORK_STATE', 'CHANGE_WIFI_STATE', 'CHANGE_WIFI_MULTICAST_STATE',
    'WAKE_LOCK', 'VIBRATE', 'RECEIVE_BOOT_COMPLETED', 'FOREGROUND_SERVICE', 'BLUETOOTH', 'BLUETOOTH_ADMIN', 'NFC', 'SET_WALLPAPER',
    'SET_WALLPAPER_HINTS', 'EXPAND_STATUS_BAR', 'GET_PACKAGE_SIZE', 'KILL_BACKGROUND_PROCESSES', 'MODIFY_AUDIO_SETTINGS',
    'READ_SYNC_SETTINGS', 'WRITE_SYNC_SETTINGS', 'READ_SYNC_STATS', 'SET_ALARM', 'SET_TIME_ZONE', 'TRANSMIT_IR', 'USE_FINGERPRINT',
    'USE_BIOMETRIC', 'ACCESS_NOTIFICATION_POLICY', 'DISABLE_KEYGUARD', 'BROADCAST_STICKY', 'REORDER_TASKS', 'PERSISTENT_ACTIVITY',
    'ACCESS_LOCATION_EXTRA_COMMANDS', 'REQUEST_DELETE_PACKAGES', 'REQUEST_IGNORE_BATTERY_OPTIMIZATIONS', 'CALL_COMPANION_APP',
    'USE_FULL_SCREEN_INTENT', 'QUERY_ALL_PACKAGES', 'GET_ACCOUNTS_PRIVILEGED', 'NFC_TRANSACTION_EVENT', 'NFC_PREFERRED_PAYMENT_INFO',
  ].map((p) => `android.permission.${p}`),
);

export interface PermissionInfo {
  name: string | null;
  protection: Protection;
  /** Any app can get it: none or normal. */
  open: boolean;
  /** Declared by this app's <permission> (line), when it is. */
  declaredLine: number | null;
}

export function permissionInfo(manifest: Manifest, name: string | null): PermissionInfo {
  if (!name) return { name, protection: 'none', open: true, declaredLine: null };
  const own = manifest.permissions.find((p) => p.name === name);
  if (own) {
    const base = (own.protectionLevel ?? 'normal').split('|')[0]!.trim();
    const protection: Protection = base === 'normal' || base === '0x0' ? 'normal' : base === 'dangerous' ? 'dangerous' : base.startsWith('signature') ? 'signature' : 'external';
    return { name, protection, open: protection === 'normal', declaredLine: own.line };
  }
  if (PLATFORM_NORMAL.has(name)) return { name, protection: 'normal', open: true, declaredLine: null };
  if (name.startsWith('android.permission.')) return { name, protection: 'platform', open: false, declaredLine: null };
  return { name, protection: 'external', open: false, declaredLine: null };
}
