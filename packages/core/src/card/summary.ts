import type { CardMetric, CardRanking, CardSpeed, ModelCard } from './types.js';

/**
 * What the zoo table and `iqa models` show of a card, picked from it in one place: the metric on the card's
 * own split, the k-fold metric, the first ranking evaluation, and the speeds by runtime and image size.
 */
export interface CardSummary {
  /** How an image is scored, e.g. `mean of 30 crops 224px`. */
  protocol: string;
  /** The first metric that is not a k-fold one (the card's own validation split). */
  split?: CardMetric;
  /** The first k-fold cross-validation metric. */
  kfold?: CardMetric;
  /** The first ranking evaluation (the held-out set of distortions made by another implementation). */
  ranking?: CardRanking;
  /** Speeds in Node and in a browser (Chromium, WASM), keyed by image size `WxH`. */
  node: Record<string, CardSpeed>;
  chromium: Record<string, CardSpeed>;
  /** Training wall time in minutes, where the card records it. */
  trainingMinutes?: number;
}

/** The test-time protocol in words. */
export function protocolText(card: Pick<ModelCard, 'input'> & { output?: ModelCard['output'] }): string {
  const p = card.input.protocol;
  if (p.kind === 'crops') return `mean of ${p.count} crops ${p.size}px`;
  if (p.kind === 'brisque') return 'full image + half scale';
  if (p.kind === 'hosa') return `full image, ${p.patch}px patches`;
  if (p.kind === 'patches')
    return `${card.output?.weight ? 'weighted mean' : 'mean'} of ${p.size}px patches, stride ${p.stride}`;
  return `full image${p.maxSide ? ` (max side ${p.maxSide})` : ''}`;
}

/** A speed measured in a browser names it in `runtime` (`Chromium (headless), ...`); every other one ran in Node. */
const BROWSER = /chromium|chrome|firefox|safari|browser/i;

function bySize(speeds: CardSpeed[], runtime: (s: CardSpeed) => boolean): Record<string, CardSpeed> {
  const out: Record<string, CardSpeed> = {};
  for (const s of speeds) if (runtime(s) && !out[s.image]) out[s.image] = s;
  return out;
}

/**
 * The card's summary for tables.
 *
 * @example
 * const s = summariseCard(card);
 * pairText(s.split); // '0.772 / 0.801'
 */
export function summariseCard(card: ModelCard): CardSummary {
  const speeds = card.speed ?? [];
  const seconds = card.training.wallSeconds;
  return {
    protocol: protocolText(card),
    split: card.metrics.find((m) => m.folds === undefined),
    kfold: card.metrics.find((m) => m.folds !== undefined),
    ranking: card.ranking?.[0],
    node: bySize(speeds, (s) => !BROWSER.test(s.runtime)),
    chromium: bySize(speeds, (s) => BROWSER.test(s.runtime)),
    trainingMinutes: seconds === undefined ? undefined : seconds / 60,
  };
}

/** `SRCC / PLCC` to 3 decimals, or `-`. */
export function pairText(m: Pick<CardMetric, 'srcc' | 'plcc'> | undefined): string {
  return m ? `${m.srcc.toFixed(3)} / ${m.plcc.toFixed(3)}` : '-';
}

/** Shares of pairs in order per type, e.g. `blur 0.97, jpeg 0.86, noise 0.91`, or `-`. */
export function rankingText(r: CardRanking | undefined): string {
  if (!r) return '-';
  return Object.entries(r.byType)
    .map(([type, v]) => `${type} ${v.share.toFixed(2)}`)
    .join(', ');
}

/** A speed's median ms per image, e.g. `54 ms`, or `-`. */
export function speedText(s: CardSpeed | undefined): string {
  if (!s) return '-';
  return `${s.msPerImage >= 100 ? s.msPerImage.toFixed(0) : s.msPerImage.toFixed(1)} ms`;
}
