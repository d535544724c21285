import { pairText, rankingText, speedText, summariseCard } from '@iqa-zoo/core';
import { listZooCards } from '@iqa-zoo/runtime-node';
import { parseCommandArgs } from './args.js';
import { type CliIo, EXIT } from './io.js';
import { modelOptions } from './model-options.js';

export const MODELS_USAGE = `Usage: iqa models [--json]
  Lists the installed model packages (@iqa-zoo/model-*), or the zoo folder $IQA_ZOO_MODELS, from the
  model cards; * marks the default.`;

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} kB`;
}

/** Renders rows as a left-aligned text table. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((v, c) => v.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * `iqa models`: the zoo as a table (id, size, input protocol, CLIVE SRCC / PLCC on the validation split and in
 * k-fold cross-validation, held-out pairs in order, ms per 500x500 image), all from the cards.
 *
 * @example
 * await modelsCommand([], processIo());
 */
export async function modelsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  const cards = await listZooCards(modelOptions(io));
  if (values.json) {
    for (const { card, isDefault } of cards) io.stdout.write(`${JSON.stringify({ ...card, default: isDefault })}\n`);
    return EXIT.OK;
  }
  const rows = cards.map(({ card, isDefault }) => {
    const s = summariseCard(card);
    return [
      `${card.id}${isDefault ? ' *' : ''}`,
      card.version,
      sizeText(card.files.onnx.bytes),
      s.protocol,
      `${card.output.range[0]}-${card.output.range[1]}${card.output.higherIsBetter ? '' : ' (lower better)'}`,
      s.split ? `${pairText(s.split)} (n=${s.split.n})` : '-',
      s.kfold ? pairText(s.kfold) : '-',
      rankingText(s.ranking),
      speedText(s.node['500x500']),
    ];
  });
  const header = ['id', 'version', 'size', 'input', 'scores', 'SRCC / PLCC', 'k-fold CV', 'pairs in order', 'ms 500px'];
  io.stdout.write(`${renderTable(header, rows)}\n`);
  io.stdout.write(
    '\nSRCC / PLCC on CLIVE: the validation split, and k-fold cross-validation; pairs in order: held-out\n' +
      'distortions made by another implementation; ms 500px: median per 500x500 image in Node on CPU, as\n' +
      'measured on a shared machine (the card says how busy). Everything comes from the cards (--json).\n',
  );
  return EXIT.OK;
}
