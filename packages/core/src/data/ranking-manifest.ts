import { IqaError } from '../errors.js';
import { csvLines, splitCsvLine } from './csv-line.js';

/** One row of a ranking manifest: an image file and where it sits in its reference's ladders. */
export interface RankingManifestRow {
  /** The image, as written in the manifest (relative paths are the caller's to resolve). */
  file: string;
  /** The name of the reference it was made from. */
  reference: string;
  /** The distortion type (may be empty at level 0). */
  type: string;
  /** 0 for the undistorted reference, 1..N for stronger distortions. */
  level: number;
}

const COLUMNS = ['file', 'reference', 'type', 'level'] as const;

/**
 * Parses a ranking manifest: a CSV with a header naming `file`, `reference`, `type` and `level`
 * (in any order; other columns are ignored), the format `iqa distort` writes as OUT/manifest.csv.
 *
 * @example
 * parseRankingManifest('file,reference,type,level\ngblur/1/a.png,a.png,gblur,1\n');
 * // [{ file: 'gblur/1/a.png', reference: 'a.png', type: 'gblur', level: 1 }]
 */
export function parseRankingManifest(text: string, source = 'ranking manifest'): RankingManifestRow[] {
  const lines = csvLines(text);
  if (lines.length === 0)
    throw new IqaError('INVALID_ARGUMENT', `Expected a header "${COLUMNS.join(',')}" in ${source} but it is empty`);
  const header = splitCsvLine(lines[0]!).map((h) => h.toLowerCase());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected columns ${COLUMNS.map((c) => `"${c}"`).join(', ')} in ${source} but the header ` +
        `${JSON.stringify(lines[0])} lacks ${missing.join(', ')}`,
    );
  }
  const [fileCol, refCol, typeCol, levelCol] = COLUMNS.map((c) => header.indexOf(c)) as [
    number,
    number,
    number,
    number,
  ];
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    const file = cells[fileCol] ?? '';
    const reference = cells[refCol] ?? '';
    const type = cells[typeCol] ?? '';
    const levelCell = cells[levelCol] ?? '';
    const level = levelCell === '' ? Number.NaN : Number(levelCell);
    if (!file || !reference || !Number.isInteger(level) || level < 0 || (level > 0 && !type)) {
      throw new IqaError(
        'INVALID_ARGUMENT',
        `Expected a file, a reference, a type and an integer level >= 0 (the type may be empty at level 0) on line ` +
          `${i + 2} of ${source} but received ${JSON.stringify(line)}`,
      );
    }
    return { file, reference, type, level };
  });
}
