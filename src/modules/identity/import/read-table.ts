import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { Invalid } from '../../../core/errors.js';
import { lazy } from '../../../core/lazy.js';

/** A row as read: its number as a spreadsheet shows it (the header is row 1), its cells as trimmed text. */
export interface SheetRow {
  number: number;
  cells: string[];
}
/** A sheet as read: the header cells, then every non-empty row. */
export interface SheetText {
  headers: string[];
  rows: SheetRow[];
}

const MAX_ROWS = 5000;
const exceljs = lazy(() => import('exceljs'));

/** Reads an uploaded CSV or XLSX file (told apart by name and content); 400 naming the problem otherwise. */
export async function readTable(file: { filename: string; data: Buffer }): Promise<SheetText> {
  const ext = /\.([a-z0-9]+)$/i.exec(file.filename)?.[1]?.toLowerCase() ?? '';
  const zip = file.data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  let cells: SheetRow[];
  if (ext === 'xlsx') {
    if (!zip) throw new Invalid('The file is named .xlsx but is not an XLSX workbook', 'file');
    cells = await readXlsx(file.data);
  } else if (ext === 'csv' || ext === 'txt') {
    if (zip || file.data.includes(0)) throw new Invalid('The file is named .csv but is not text', 'file');
    cells = parseCsv(decode(file.data))
      .map((c, i) => ({ number: i + 1, cells: c }))
      .filter((r) => r.cells.some(Boolean));
  } else {
    throw new Invalid(`Send a .csv or .xlsx file, not ${ext ? `.${ext}` : 'a file without an extension'}`, 'file');
  }
  const [header, ...rows] = cells;
  const headers = header?.number === 1 ? header.cells : undefined;
  if (!headers) throw new Invalid('The file has no header row', 'file');
  if (rows.length > MAX_ROWS) throw new Invalid(`At most ${MAX_ROWS} rows per file`, 'file');
  return { headers, rows };
}

/** UTF-8 (with or without BOM); otherwise Windows-1251, as a Russian Excel saves CSV. */
function decode(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    return iconv.decode(data, 'win1251');
  }
}

/** RFC 4180 CSV with `,` or `;` (whichever the header line has more of) as the separator. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parse(text, { delimiter, bom: true, trim: true, relax_column_count: true, skip_empty_lines: false });
  } catch (err) {
    throw new Invalid(`The CSV file cannot be read: ${(err as Error).message}`, 'file');
  }
}

async function readXlsx(data: Buffer): Promise<SheetRow[]> {
  const { default: ExcelJS } = await exceljs();
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new Invalid('The XLSX workbook cannot be read', 'file');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new Invalid('The XLSX workbook has no sheet', 'file');
  const rows: SheetRow[] = [];
  ws.eachRow((r) => {
    const cells: string[] = [];
    for (let c = 1; c <= r.cellCount; c++) {
      const cell = r.getCell(c);
      cells.push(cell.value instanceof Date ? cell.value.toISOString().slice(0, 10) : (cell.text ?? '').trim());
    }
    if (cells.some(Boolean)) rows.push({ number: r.number, cells });
  });
  return rows;
}
