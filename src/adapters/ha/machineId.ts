// Which machine this is, to tell two nodes that claim the same name apart (a cloned VM keeps its
// hostname and paths): systemd's machine id, else the boot id, else the hostname.
import fs from 'node:fs';
import os from 'node:os';

export function machineId(): string {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id', '/proc/sys/kernel/random/boot_id']) {
    try {
      const id = fs.readFileSync(file, 'utf8').trim();
      if (id) return id;
    } catch {
      // next
    }
  }
  return os.hostname();
}
