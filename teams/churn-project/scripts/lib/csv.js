import fs from 'node:fs';

/** Minimal CSV for this project's own files: no quoted commas are ever written. */
export function writeCsv(file, columns, rows) {
  const lines = [columns.join(',')];
  for (const row of rows) {
    lines.push(columns.map((c) => formatCell(row[c])).join(','));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

function formatCell(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '';
  // A number's text never holds a separator: only strings need the check.
  if (typeof value === 'number') return String(value);
  const text = String(value);
  if (/[",\n]/.test(text)) throw new Error(`CSV cell contains a separator: ${text}`);
  return text;
}

export function readCsv(file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((line) => line.length > 0);
  if (lines.length === 0) throw new Error(`${file} is empty`);
  const columns = lines[0].split(',');
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== columns.length) {
      throw new Error(`${file} line ${i + 1} has ${cells.length} cells, expected ${columns.length}`);
    }
    const row = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]] = cells[j];
    rows.push(row);
  }
  return { columns, rows };
}
