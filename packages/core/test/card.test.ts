import { IqaError, isIqaError, parseZooIndex, validateCard } from '../src/index.js';
import { validCard } from './fixtures/card.js';

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): IqaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IqaError);
    return err as IqaError;
  }
  throw new Error('expected the call to throw');
}

/** A fixture card with `edit` applied to a loosely typed copy. */
function cardWith(edit: (c: Record<string, any>) => void): unknown {
  const c = validCard() as unknown as Record<string, any>;
  edit(c);
  return c;
}

describe('validateCard', () => {
  it('accepts the complete fixture card and returns it', () => {
    const card = validCard();
    expect(validateCard(card)).toBe(card);
    // as read from disk
    expect(validateCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
  });

  it('accepts a full-protocol card without the optional fields', () => {
    const c = cardWith((c) => {
      c.input.protocol = { kind: 'full' };
      delete c.files.onnxFp16;
      delete c.metrics[0].krcc;
      delete c.metrics[0].rmse;
      delete c.training.machine;
      c.metrics.push({ dataset: 'KonIQ', split: 'test', n: 2015, srcc: -0.2, plcc: 0.1 });
    });
    expect(() => validateCard(c)).not.toThrow();
    expect(() => validateCard(cardWith((c) => (c.input.protocol = { kind: 'full', maxSide: 1024 })))).not.toThrow();
  });

  it("checks a metric's provenance (command, runtime, date) when it has one", () => {
    const measured = {
      command: 'iqa eval --model m --mos val.csv',
      runtime: 'onnxruntime-node cpu, model.onnx (fp32)',
      date: '2026-12-05T04:00:00.000Z',
    };
    expect(() => validateCard(cardWith((c) => (c.metrics[0].measured = measured)))).not.toThrow();
    const err = thrown(() => validateCard(cardWith((c) => (c.metrics[0].measured = { ...measured, date: 5 }))));
    expect(err.message).toMatch(/card\.metrics\[0\]\.measured\.date: expected a non-empty string but received 5/);
  });

  it('names the field path of a bad value, with what was expected and received', () => {
    const err = thrown(() => validateCard(cardWith((c) => (c.input.std = [0.229, 0, 0.225]))));
    expect(err.code).toBe('INVALID_CARD');
    expect(err.message).toBe(
      'Invalid model card:\n  - card.input.std: expected an array of 3 finite positive numbers but received an array ' +
        'of 3',
    );
  });

  it('reports several problems at once, each by its path', () => {
    const err = thrown(() =>
      validateCard(
        cardWith((c) => {
          c.id = 'Bad Id';
          c.input.mean = [0.5, 0.5];
          c.input.smallImage = 'crop';
          c.input.protocol.count = 0;
          c.output.higherIsBetter = 'yes';
          c.files.onnx.sha256 = 'xyz';
          c.architecture.pooling = ['avg', 'median'];
          c.training.data[1].role = 'test';
          c.metrics[0].srcc = 1.5;
        }),
        'models/bad/card.json',
      ),
    );
    expect(isIqaError(err, 'INVALID_CARD')).toBe(true);
    expect(err.message.startsWith('Invalid models/bad/card.json:')).toBe(true);
    const paths = err.message
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^ {2}- /, '').split(':')[0]);
    expect(paths).toEqual([
      'card.id',
      'card.input.mean',
      'card.input.smallImage',
      'card.input.protocol.count',
      'card.output.higherIsBetter',
      'card.files.onnx.sha256',
      'card.architecture.pooling[1]',
      'card.training.data[1].role',
      'card.metrics[0].srcc',
    ]);
    expect(err.message).toContain('card.input.smallImage: expected one of "upscale", "reject" but received "crop"');
    expect(err.message).toContain('card.input.protocol.count: expected an integer >= 1 and <= 1024 but received 0');
  });

  it('reports missing sections and a wrong protocol kind', () => {
    const err = thrown(() =>
      validateCard(
        cardWith((c) => {
          delete c.output;
          c.input.protocol = { kind: 'tiles' };
          c.schemaVersion = 2;
        }),
      ),
    );
    expect(err.message).toContain('card.schemaVersion: expected one of 1 but received 2');
    expect(err.message).toContain('card.input.protocol.kind: expected one of "full", "crops" but received "tiles"');
    expect(err.message).toContain('card.output: expected an object but received undefined');
  });

  it('rejects a crops protocol with missing fields and non-objects', () => {
    const err = thrown(() => validateCard(cardWith((c) => (c.input.protocol = { kind: 'crops', size: 224.5 }))));
    expect(err.message).toContain('card.input.protocol.count');
    expect(err.message).toContain('card.input.protocol.size: expected an integer >= 1 but received 224.5');
    expect(err.message).toContain('card.input.protocol.seed');
    expect(thrown(() => validateCard(null)).message).toContain('card: expected an object but received null');
    expect(thrown(() => validateCard([])).code).toBe('INVALID_CARD');
  });
});

describe('parseZooIndex', () => {
  it('returns a valid index', () => {
    expect(parseZooIndex({ default: 'b', models: ['a', 'b'], extra: 1 })).toEqual({ default: 'b', models: ['a', 'b'] });
  });

  it('rejects a default that is not one of the models, listing them', () => {
    const err = thrown(() => parseZooIndex({ default: 'c', models: ['a', 'b'] }));
    expect(err.code).toBe('INVALID_CARD');
    expect(err.message).toBe(`Expected the zoo's default to be one of "a", "b" but received "c"`);
    expect(thrown(() => parseZooIndex({ models: ['a'] })).message).toContain('received undefined');
  });

  it('rejects a malformed index', () => {
    expect(thrown(() => parseZooIndex(null)).code).toBe('INVALID_CARD');
    expect(thrown(() => parseZooIndex({ default: 'a', models: 'a' })).message).toContain('models: string[]');
    expect(thrown(() => parseZooIndex({ default: 'a', models: ['a', 3] })).code).toBe('INVALID_CARD');
  });
});
