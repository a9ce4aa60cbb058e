/** Formats rows of cells as an aligned plain-text table; numeric-looking cells align right. */
export function formatTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) =>
    r
      .map((cell, i) => {
        const s = String(cell);
        return /^[\d.,x≥ -]+$/.test(s) ? s.padStart(widths[i]) : s.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatRate(x) {
  return Math.round(x).toLocaleString('en-US');
}

/** The cell that says whether a row meets its aim. */
export function verdict(ok) {
  return ok ? 'met' : 'not met';
}
