/**
 * /dev/kvm on Linux: without it (or without read and write access to it) the emulator has no
 * hardware acceleration, and x86_64 images boot very slowly or not at all. Advisory: a connected
 * device or an emulator started elsewhere does not need it. On macOS the emulator uses
 * Hypervisor.framework instead, so the check is skipped there.
 */
import { fixes, result, type CheckResult, type Host } from './types.js';

const KVM = '/dev/kvm';

export function checkKvm(host: Host): CheckResult {
  const title = 'KVM';
  if (host.platform === 'darwin') return result('kvm', title, false, 'skip', 'macOS: the emulator uses Hypervisor.framework, not /dev/kvm');
  if (host.platform !== 'linux') return result('kvm', title, false, 'skip', `${host.platform}: /dev/kvm is Linux only`);
  const slow = 'the emulator will be very slow or will not start; a connected device does not need it';
  if (!host.fs.exists(KVM)) {
    return result('kvm', title, false, 'warn', `no ${KVM}: ${slow}`, fixes('sudo modprobe kvm_intel   # or kvm_amd; needs VT-x/AMD-V enabled in the BIOS or the VM'));
  }
  if (!host.fs.isReadWrite(KVM)) {
    return result(
      'kvm',
      title,
      false,
      'warn',
      `${KVM} is not readable and writable by this user: ${slow}`,
      fixes(
        'sudo usermod -aG kvm $USER   # then log out and in',
        `echo 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"' | sudo tee /etc/udev/rules.d/99-kvm4all.rules && sudo udevadm control --reload-rules && sudo udevadm trigger --name-match=kvm   # CI runners`,
      ),
    );
  }
  return result('kvm', title, false, 'ok', `${KVM} is readable and writable`);
}
