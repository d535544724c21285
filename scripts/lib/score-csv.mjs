// Reads a MOS list and `iqa score --csv` outputs, matched by file name (shared by the scripts that
// compare or average models' scores). Run `npm run build` first (it reads @iqa-zoo/core's dist).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseMosCsv } from '@iqa-zoo/core';

/**
 * Returns { names, mos, scores }: the MOS list's file names in order, their MOS, and for each
 * scores CSV the scores in the same order. A CSV without a score for some image is an error.
 */
export function readScoredSet(valCsv, scoreCsvs) {
  const mosByName = new Map(parseMosCsv(readFileSync(valCsv, 'utf8'), valCsv).map((r) => [basename(r.image), r.mos]));
  const names = [...mosByName.keys()];
  // `iqa score --csv` rows: file,score,error_code,error_message (a failed image has no score).
  const rows = (file) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
  const scores = scoreCsvs.map((file) => {
    const s = new Map(
      rows(file)
        .filter((r) => r[1] !== '')
        .map(([f, v]) => [basename(f), Number(v)]),
    );
    const missing = names.filter((n) => !s.has(n));
    if (missing.length > 0)
      throw new Error(
        `Expected a score for every image of ${valCsv} in ${file} ` +
          `but ${missing.length} are missing (first: ${missing[0]})`,
      );
    return names.map((n) => s.get(n));
  });
  return { names, mos: names.map((n) => mosByName.get(n)), scores };
}
