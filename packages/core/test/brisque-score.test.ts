import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IqaError, brisqueScore, parseBrisqueModel, validateCard } from '../src/index.js';
import type { BrisqueModel } from '../src/index.js';

const modelDir = join(dirname(fileURLToPath(import.meta.url)), '../../../models/brisque-clive');

function tinyModel(): BrisqueModel {
  const d = 36;
  return {
    format: 'iqa-zoo/brisque-svr',
    version: 1,
    features: 'brisque-36',
    kernel: 'rbf',
    gamma: 0.1,
    rho: -50,
    coefficients: [3],
    supportVectors: [new Array<number>(d).fill(0)],
    scaling: { lower: -1, upper: 1, min: new Array<number>(d).fill(0), max: new Array<number>(d).fill(2) },
  };
}

describe('brisqueScore', () => {
  it('scales the 36 features and applies the SVR', () => {
    // Features of 1 scale to 0 = the support vector: 3 * exp(0) + 50.
    expect(brisqueScore(new Array(36).fill(1), tinyModel())).toBeCloseTo(53, 12);
    // Features of 2 scale to 1: distance² 36.
    expect(brisqueScore(new Array(36).fill(2), tinyModel())).toBeCloseTo(3 * Math.exp(-3.6) + 50, 12);
  });

  it('rejects a feature vector of the wrong length', () => {
    expect(() => brisqueScore(new Float64Array(35), tinyModel())).toThrow(
      'Expected 36 BRISQUE features for features but received a Float64Array of 35',
    );
  });

  it('checks a model file', () => {
    expect(parseBrisqueModel(JSON.parse(JSON.stringify(tinyModel())))).toEqual(tinyModel());
    expect(() => parseBrisqueModel({ ...tinyModel(), format: 'x' })).toThrow(IqaError);
    expect(() => parseBrisqueModel({ ...tinyModel(), version: 2 })).toThrow(
      'Expected 1 for the BRISQUE model.version but received 2',
    );
    const short = { ...tinyModel(), supportVectors: [[0]], scaling: { lower: -1, upper: 1, min: [0], max: [1] } };
    expect(() => parseBrisqueModel(short)).toThrow(
      'Expected 36 scaled features for the BRISQUE model.scaling.min but received an array of 1',
    );
    expect(() => parseBrisqueModel(null)).toThrow(/format/);
  });
});

describe('models/brisque-clive', () => {
  it('holds a valid card and a model file whose hash and size the card records', () => {
    const bytes = readFileSync(join(modelDir, 'brisque-svr.json'));
    const model = parseBrisqueModel(JSON.parse(bytes.toString('utf8')));
    const card = validateCard(JSON.parse(readFileSync(join(modelDir, 'card.json'), 'utf8')));
    expect(card.input.layout).toBe('NHWC');
    expect(card.input.protocol).toEqual({ kind: 'brisque', scales: 2 });
    expect(card.files.svr!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(card.files.svr!.bytes).toBe(bytes.length);
    expect(card.architecture.params).toBe(model.supportVectors.length * 37 + 74);
    expect(Number.isFinite(brisqueScore(new Array(36).fill(0.1), model))).toBe(true);
  });
});
