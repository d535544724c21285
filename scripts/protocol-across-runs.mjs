// Does another test-time protocol help across training runs, or only one model? For each run
// folder: its best epoch's validation SRCC/PLCC from its log (the card's protocol, as measured in
// training), then its best checkpoint exported (to a temporary folder) and scored under SPEC.
//   node scripts/protocol-across-runs.mjs VAL_CSV SPEC RUN_DIR...   (SPEC as in protocol-noise.mjs, e.g. full)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMosCsv, plcc, srcc } from '@iqa-zoo/core';
import { parseProtocol, scoreWithProtocol } from './lib/score-protocol.mjs';

const [csv, spec, ...runs] = process.argv.slice(2);
if (!csv || !spec || runs.length === 0)
  throw new Error('Usage: node scripts/protocol-across-runs.mjs VAL_CSV SPEC RUN_DIR...');
const rows = parseMosCsv(readFileSync(csv, 'utf8'), csv);
const files = rows.map((r) => path.resolve(path.dirname(csv), r.image));
const mos = rows.map((r) => r.mos);
const cli = path.resolve('packages/cli/bin/iqa.js');
const diffs = [];
for (const run of runs) {
  const logged = readFileSync(path.join(run, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.srcc !== undefined);
  const best = logged.reduce((a, b) => (b.srcc > a.srcc ? b : a));
  const out = mkdtempSync(path.join(tmpdir(), 'iqa-run-'));
  try {
    execFileSync('node', [cli, 'export', '--from', path.join(run, 'best'), '--out', out], { stdio: 'ignore' });
    const card = JSON.parse(readFileSync(path.join(out, 'card.json'), 'utf8'));
    const { scores } = await scoreWithProtocol(out, parseProtocol(spec, card), files);
    const s = srcc(scores, mos);
    diffs.push(s - best.srcc);
    console.log(
      `${run}: logged (epoch ${best.epoch}) SRCC ${best.srcc.toFixed(4)} PLCC ${best.plcc.toFixed(4)} | ` +
        `${spec}: SRCC ${s.toFixed(4)} PLCC ${plcc(scores, mos).toFixed(4)}`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
console.log(
  `${spec} minus logged SRCC over ${diffs.length} runs: ` +
    `mean ${(diffs.reduce((a, b) => a + b, 0) / diffs.length).toFixed(4)}, ` +
    `min ${Math.min(...diffs).toFixed(4)}, max ${Math.max(...diffs).toFixed(4)}`,
);
