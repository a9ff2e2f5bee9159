/**
 * CSV lines as RFC 4180 has them (fields with a comma, quote or line break quoted, quotes doubled),
 * for files staff open in a spreadsheet: a text field that starts like a formula (= + - @, tab, CR)
 * is prefixed with an apostrophe, so a reason typed into the console cannot run as one there.
 */
export type Cell = string | number | boolean | null;

const formulaStart = /^[=+\-@\t\r]/;

function field(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]): string => `${cells.map(field).join(',')}\r\n`;
