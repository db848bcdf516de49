// Plain text tables for a terminal, for every command that prints one (status, history,
// automation-health): columns padded to the widest cell, two spaces apart, no trailing blanks.
export function renderTable(header: string[], rows: string[][]): string[] {
  // A loop, not Math.max(...cells): spreading 130,000 arguments overflows the call stack.
  const widths = header.map((h) => h.length);
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
