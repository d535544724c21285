import type { ModelCard } from '@iqa-zoo/core';
import { listZooCards } from '@iqa-zoo/runtime-node';
import { parseCommandArgs } from './args.js';
import { type CliIo, EXIT } from './io.js';
import { modelOptions } from './model-options.js';

export const MODELS_USAGE = `Usage: iqa models [--json]
  Lists the installed model packages (@iqa-zoo/model-*), or the zoo folder $IQA_ZOO_MODELS, from the
  model cards; * marks the default.`;

function protocolText(card: ModelCard): string {
  const p = card.input.protocol;
  if (p.kind === 'brisque') return 'BRISQUE: full + half scale';
  return p.kind === 'crops' ? `${p.count} crops ${p.size}px` : `full${p.maxSide ? ` <=${p.maxSide}px` : ''}`;
}

function metricText(card: ModelCard): string {
  const m = card.metrics[0];
  return m ? `${m.dataset}/${m.split} n=${m.n} SRCC ${m.srcc.toFixed(3)} PLCC ${m.plcc.toFixed(3)}` : '-';
}

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
 * `iqa models`: the zoo as a table (id, backbone, size, input protocol, measured metrics).
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
  const rows = cards.map(({ card, isDefault }) => [
    `${card.id}${isDefault ? ' *' : ''}`,
    card.version,
    card.architecture.backbone,
    card.architecture.params.toLocaleString('en-US'),
    sizeText(card.files.onnx.bytes),
    protocolText(card),
    `${card.output.range[0]}-${card.output.range[1]}${card.output.higherIsBetter ? ' (higher better)' : ' (lower better)'}`,
    metricText(card),
  ]);
  io.stdout.write(
    `${renderTable(['id', 'version', 'backbone', 'params', 'size', 'input', 'scores', 'metrics'], rows)}\n`,
  );
  return EXIT.OK;
}
