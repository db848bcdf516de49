// Run ids: sortable by time, readable, unique: `20250602T100000Z-9f3a1c2b`.

export function newRunId(now: number, random: () => number = Math.random): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const suffix = Math.floor(random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  return `${stamp}-${suffix}`;
}
