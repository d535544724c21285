import { IqaError } from '../errors.js';
import { csvLines, splitCsvLine as splitLine } from './csv-line.js';

export interface MosRow {
  image: string;
  mos: number;
  std?: number;
}

/**
 * Parses a MOS file with a header naming `image`, `mos` and optionally `std` columns.
 *
 * @example
 * parseMosCsv('image,mos\na.jpg,61.2\n'); // [{ image: 'a.jpg', mos: 61.2 }]
 */
export function parseMosCsv(text: string, source = 'MOS CSV'): MosRow[] {
  const lines = csvLines(text);
  if (lines.length === 0)
    throw new IqaError('INVALID_ARGUMENT', `Expected a header "image,mos[,std]" in ${source} but it is empty`);
  const header = splitLine(lines[0]!).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('image') < 0 || col('mos') < 0) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected columns "image" and "mos" in ${source} but the header is ${JSON.stringify(lines[0])}`,
    );
  }
  return lines.slice(1).map((line, i) => {
    const cells = splitLine(line);
    const image = cells[col('image')] ?? '';
    const mos = Number(cells[col('mos')]);
    if (!image || !Number.isFinite(mos)) {
      throw new IqaError(
        'INVALID_ARGUMENT',
        `Expected an image name and a numeric mos on line ${i + 2} of ${source} but received ${JSON.stringify(line)}`,
      );
    }
    const stdCell = col('std') >= 0 ? cells[col('std')] : undefined;
    const std = stdCell ? Number(stdCell) : undefined; // an empty cell is no std, not 0
    return std !== undefined && Number.isFinite(std) ? { image, mos, std } : { image, mos };
  });
}
