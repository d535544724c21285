#!/usr/bin/env node
/**
 * Writes the npm package files of every zoo model folder from its card (the card is the single
 * source of truth): package.json (`@iqa-zoo/model-<id>`, version = card version), index.js (the
 * files as `new URL(..., import.meta.url)`, which bundlers such as Vite emit as assets), index.d.ts
 * and NOTICE.md (licence and credits).
 *
 *   node scripts/model-packages.mjs           # write
 *   node scripts/model-packages.mjs --check   # exit 1 when a file differs from what the card gives
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const zoo = join(root, 'models');

/** The npm package name of a zoo id. */
export const modelPackageName = (id) => `@iqa-zoo/model-${id}`;

/** The files of one model package, by name, from its card. */
export function packageFiles(card, hasCalibration) {
  const onnx = [card.files.onnx, card.files.onnxFp16, card.files.onnxQ8, card.files.svr]
    .filter((f) => f)
    .map((f) => f.path);
  const calibration = hasCalibration ? ['calibration', 'calibration.json'] : [];
  const pkg = {
    name: modelPackageName(card.id),
    version: card.version,
    description: `iqa-zoo model ${card.id}: ${card.description}`,
    type: 'module',
    license: /^MIT\b/.test(card.licence) ? 'MIT' : 'SEE LICENSE IN NOTICE.md',
    main: './index.js',
    types: './index.d.ts',
    exports: {
      '.': { types: './index.d.ts', default: './index.js' },
      './card.json': './card.json',
      './package.json': './package.json',
      ...Object.fromEntries(onnx.map((f) => [`./${f}`, `./${f}`])),
      ...(hasCalibration ? { './calibration.json': './calibration.json', './calibration/*': './calibration/*' } : {}),
    },
    files: ['index.js', 'index.d.ts', 'NOTICE.md', 'card.json', ...onnx, ...calibration],
  };
  const urls = [
    ['cardUrl', 'card.json', 'The model card (input size, crops, normalisation, file hashes).'],
    ['modelUrl', card.files.onnx.path, 'The fp32 ONNX file.'],
    ...(card.files.onnxFp16
      ? [['modelFp16Url', card.files.onnxFp16.path, 'The fp16 ONNX file (half the download).']]
      : []),
    ...(card.files.svr
      ? [['svrUrl', card.files.svr.path, 'The SVR as data, the source of the ONNX file (not needed to score).']]
      : []),
    ...(card.files.onnxQ8
      ? [['modelQ8Url', card.files.onnxQ8.path, 'The int8 ONNX file (dtype q8: a quarter of the download).']]
      : []),
  ];
  const js = [
    `/**`,
    ` * The iqa-zoo model ${card.id} ${card.version}. Its files as URLs: in a bundled web app (Vite,`,
    ` * webpack 5) each is emitted as an asset; in Node they are file: URLs.`,
    ` *`,
    ` * @example`,
    ` * import * as model from '${pkg.name}';`,
    ` * const scorer = await createScorer(model); // @iqa-zoo/runtime-web`,
    ` */`,
    `export const id = ${JSON.stringify(card.id)};`,
    ...urls.flatMap(([name, file, doc]) => [
      `/** ${doc} */`,
      `export const ${name} = new URL(${JSON.stringify(`./${file}`)}, import.meta.url);`,
    ]),
    '',
  ].join('\n');
  const dts = [
    `export declare const id: ${JSON.stringify(card.id)};`,
    ...urls.map(([name]) => `export declare const ${name}: URL;`),
    '',
  ].join('\n');
  const notice = [
    `# ${pkg.name}`,
    '',
    `Licence: ${card.licence}`,
    '',
    'Credits:',
    '',
    ...card.credits.map((c) => `- ${c}`),
    '',
    'Training data (not redistributed in this package):',
    '',
    ...card.training.data.map((d) => `- ${d.name}: ${d.licence}`),
    '',
  ].join('\n');
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'index.js': js,
    'index.d.ts': dts,
    'NOTICE.md': notice,
  };
}

function main() {
  const check = process.argv.includes('--check');
  const { models } = JSON.parse(readFileSync(join(zoo, 'index.json'), 'utf8'));
  let stale = 0;
  for (const id of models) {
    const dir = join(zoo, id);
    const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
    for (const [name, text] of Object.entries(packageFiles(card, existsSync(join(dir, 'calibration.json'))))) {
      const path = join(dir, name);
      const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      if (current === text) continue;
      if (check) {
        console.error(`models/${id}/${name} differs from what its card gives; run node scripts/model-packages.mjs`);
        stale++;
      } else {
        writeFileSync(path, text);
        console.log(`wrote models/${id}/${name}`);
      }
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
