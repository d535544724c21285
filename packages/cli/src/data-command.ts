import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isIqaError, parseMosCsv } from '@iqa-zoo/core';
import { parseCommandArgs } from './args.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { IMAGE_EXTENSIONS } from './expand-inputs.js';

/** The environment variable naming the data folder, as `iqa train` reads it. */
const DATA_ENV = 'IQA_ZOO_DATA';

export const DATA_USAGE = `Usage: iqa data check [DIR | --data DIR]
  Checks a training data folder and says what is missing. DIR: the argument, else $${DATA_ENV}, else ./data
  (the folder \`iqa train --data DIR\` reads; a training config's data paths are relative to it).
  Expected layout:
    DIR/pristine/        reference photos for stage 1 (ranking of synthetic distortions): any JPEG/PNG/WebP
                         photos of natural scenes, undistorted (the default model used 579: BSDS500, Kodak
                         PhotoCD, McMaster, Debian wallpapers)
    DIR/clive/mos.csv    stage 2's MOS labels: columns image,mos[,std], image paths relative to DIR/clive/
    DIR/clive/images/    the CLIVE photos mos.csv names
  Where to get them (from their official sources; check each licence):
    CLIVE: the LIVE In the Wild Image Quality Challenge Database,
           https://live.ece.utexas.edu/research/ChallengeDB/index.html
    pristine photos: BSDS500, https://www2.eecs.berkeley.edu/Research/Projects/CS/vision/grouping/resources.html ,
           the Kodak PhotoCD set, or photos of your own
  Exit code 0 when everything is there, 1 when something is missing.`;

/** One line of the report: what was checked, whether it is usable, and what to do if not. */
export interface DataCheck {
  item: string;
  ok: boolean;
  detail: string;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function checkPristine(dir: string): Promise<DataCheck> {
  const folder = join(dir, 'pristine');
  if (!(await isDir(folder)))
    return { item: 'pristine/', ok: false, detail: `missing: a folder of reference photos at ${folder}` };
  const photos = (await readdir(folder)).filter((n) => IMAGE_EXTENSIONS.has(n.slice(n.lastIndexOf('.')).toLowerCase()));
  return photos.length > 0
    ? { item: 'pristine/', ok: true, detail: `${photos.length} photos` }
    : { item: 'pristine/', ok: false, detail: `missing: ${folder} holds no JPEG/PNG/WebP/TIFF photos` };
}

async function checkClive(dir: string): Promise<DataCheck[]> {
  const csv = join(dir, 'clive', 'mos.csv');
  let text: string;
  try {
    text = await readFile(csv, 'utf8');
  } catch {
    return [{ item: 'clive/mos.csv', ok: false, detail: `missing: ${csv} (columns image,mos[,std])` }];
  }
  let rows: ReturnType<typeof parseMosCsv>;
  try {
    rows = parseMosCsv(text, csv);
  } catch (err) {
    if (!isIqaError(err)) throw err;
    return [{ item: 'clive/mos.csv', ok: false, detail: `unreadable: ${err.message}` }];
  }
  const missing: string[] = [];
  for (const row of rows)
    if (!(await stat(join(dir, 'clive', row.image)).catch(() => undefined))) missing.push(row.image);
  return [
    { item: 'clive/mos.csv', ok: rows.length > 0, detail: `${rows.length} labelled images` },
    missing.length === 0
      ? { item: 'clive images', ok: true, detail: `all ${rows.length} present` }
      : {
          item: 'clive images',
          ok: false,
          detail:
            `${missing.length} of ${rows.length} missing under ${join(dir, 'clive')}, ` +
            `e.g. ${missing.slice(0, 3).join(', ')}`,
        },
  ];
}

/**
 * Checks a training data folder (see DATA_USAGE for the layout).
 *
 * @example
 * const checks = await checkDataFolder('data'); // [{ item: 'pristine/', ok: true, detail: '579 photos' }, ...]
 */
export async function checkDataFolder(dir: string): Promise<DataCheck[]> {
  return [await checkPristine(dir), ...(await checkClive(dir))];
}

/**
 * `iqa data check [DIR]`: what a training data folder has and what it lacks.
 *
 * @example
 * await dataCommand(['check', 'data'], processIo());
 */
export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(argv, { data: { type: 'string' } });
  const [action, folder, ...extra] = positionals;
  if (action !== 'check' || extra.length > 0 || (folder !== undefined && values.data !== undefined)) {
    throw new UsageError(`Expected "check [DIR]" or "check --data DIR" but received ${JSON.stringify(argv.join(' '))}`);
  }
  const dir = resolve(folder ?? values.data ?? process.env[DATA_ENV] ?? 'data');
  if (!(await isDir(dir))) {
    io.stdout.write(`iqa data: no data folder at ${dir} (pass DIR or set ${DATA_ENV})\n\n${DATA_USAGE}\n`);
    return EXIT.FAILED;
  }
  const checks = await checkDataFolder(dir);
  io.stdout.write(`data folder ${dir}\n`);
  for (const c of checks) io.stdout.write(`  ${c.ok ? 'ok     ' : 'MISSING'}  ${c.item.padEnd(14)} ${c.detail}\n`);
  const missing = checks.filter((c) => !c.ok).length;
  if (missing > 0)
    io.stdout.write(`\n${missing} item(s) missing; see iqa data --help for the layout and where to get the data\n`);
  return missing > 0 ? EXIT.FAILED : EXIT.OK;
}
