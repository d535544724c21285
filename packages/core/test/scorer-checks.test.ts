/**
 * The checks both runtimes run before scoring: their shared options, the fast preset's dtype and
 * crops, the session's input/output names against the card, and the output's type.
 */
import {
  type ModelCard,
  type ScoringChoice,
  checkScorerOptions,
  checkSessionIo,
  float32Output,
  isIqaError,
  scoringChoice,
} from '../src/index.js';
import { validCard } from './fixtures/card.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('checkScorerOptions', () => {
  it('accepts the allowed values and no options', () => {
    expect(() => checkScorerOptions({})).not.toThrow();
    const ok = { dtype: 'q8', preset: 'fast', crops: 3, onProgress: () => undefined, fetch: async () => undefined };
    expect(() => checkScorerOptions(ok)).not.toThrow();
  });

  it('refuses a non-object, an unknown dtype or preset, and callbacks that are not functions', () => {
    const cases: [unknown, ErrorConstructor, string][] = [
      [null, TypeError, 'Expected an options object for options but received null'],
      ['fast', TypeError, 'Expected an options object for options but received "fast"'],
      [{ dtype: 'int8' }, RangeError, 'Expected one of fp32, fp16, q8 for options.dtype but received "int8"'],
      [{ preset: 'quick' }, RangeError, 'Expected one of default, fast for options.preset but received "quick"'],
      [{ onProgress: 'log' }, TypeError, 'Expected a function for options.onProgress but received "log"'],
      [{ fetch: {} }, TypeError, 'Expected a function for options.fetch but received an object (Object)'],
    ];
    for (const [options, type, message] of cases) {
      const err = thrown(() => checkScorerOptions(options));
      expect([err.constructor, err.message]).toEqual([type, message]);
    }
  });
});

describe('scoringChoice', () => {
  const card = () => ({ ...validCard(), presets: { fast: { crops: 4, dtype: 'q8' as const, description: 'test' } } });
  const count = (c: ModelCard) =>
    c.input.layout === 'NCHW' && c.input.protocol.kind === 'crops' ? c.input.protocol.count : 0;

  it('the fast preset applies only when asked for and on the card; dtype and crops given win', () => {
    const c = card();
    const choices: ScoringChoice[] = [
      {},
      { preset: 'default' },
      { preset: 'fast' },
      { preset: 'fast', dtype: 'fp16', crops: 2 },
    ];
    expect(choices.map((o) => scoringChoice(c, o)).map((r) => [r.fast, r.dtype, count(r.card)])).toEqual([
      [undefined, 'fp32', 30],
      [undefined, 'fp32', 30],
      [c.presets.fast, 'q8', 4],
      [c.presets.fast, 'fp16', 2],
    ]);
    expect(scoringChoice(validCard(), { preset: 'fast' })).toMatchObject({ fast: undefined, dtype: 'fp32' });
  });

  it('only the input changes; a bad crop count is a RangeError', () => {
    const c = card();
    const cut = scoringChoice(c, { cropSeed: 7 }).card;
    expect({ ...cut, input: c.input }).toEqual(c);
    expect(cut.input).toMatchObject({ protocol: { seed: 7, count: 30 } });
    expect(scoringChoice(c, {}).card.input).toBe(c.input);
    expect(() => scoringChoice(c, { crops: 0 })).toThrow(RangeError);
  });
});

describe('session checks', () => {
  const card = validCard();

  it('checkSessionIo passes when the card names an input and output of the model', () => {
    expect(() => checkSessionIo({ inputNames: ['x', 'image'], outputNames: ['score'] }, card, 'm.onnx')).not.toThrow();
  });

  it('checkSessionIo names what the card expects and what the model has', () => {
    for (const names of [
      { inputNames: ['input'], outputNames: ['score'] },
      { inputNames: ['image'], outputNames: ['logits'] },
    ]) {
      const err = thrown(() => checkSessionIo(names, card, 'models/m/model.onnx'));
      expect(isIqaError(err, 'INVALID_CARD')).toBe(true);
      expect(err.message).toBe(
        'Expected input "image" and output "score" (from the card) in models/m/model.onnx but the model has ' +
          `inputs ${JSON.stringify(names.inputNames)} and outputs ${JSON.stringify(names.outputNames)}`,
      );
    }
  });

  it('float32Output returns float32 data and refuses any other type', () => {
    const data = Float32Array.of(1, 2);
    expect(float32Output('score', 'float32', data)).toBe(data);
    for (const [type, value] of [
      ['float16', new Uint16Array(2)],
      ['float32', [1, 2]],
    ] as const) {
      const err = thrown(() => float32Output('score', type, value));
      expect(isIqaError(err, 'INVALID_CARD')).toBe(true);
      expect(err.message).toBe(`Expected a float32 output "score" but the model produced ${type}`);
    }
  });
});
