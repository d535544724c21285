import { IqaError, fetchFailure } from '../src/index.js';

const URL = 'https://zoo.example/m/card.json';

describe('fetchFailure', () => {
  it('is MODEL_NOT_FOUND when the server says the file is not there (404, 410)', () => {
    for (const status of [404, 410]) {
      const err = fetchFailure('the model card', URL, { status, statusText: 'Not Found' });
      expect(err).toBeInstanceOf(IqaError);
      expect(err.code).toBe('MODEL_NOT_FOUND');
      expect(err.message).toBe(`Expected the model card at ${URL} but received HTTP ${status} Not Found`);
    }
  });

  it('is MODEL_DOWNLOAD for another HTTP status and for a failed request, with the advice and the cause', () => {
    const busy = fetchFailure('the model ONNX file', URL, { status: 503 }, 'nothing was cached');
    expect([busy.code, busy.message]).toEqual([
      'MODEL_DOWNLOAD',
      `Expected the model ONNX file at ${URL} but received HTTP 503; nothing was cached`,
    ]);
    const cause = new TypeError('fetch failed');
    const failed = fetchFailure('the model ONNX file', URL, { cause }, 'try again');
    expect([failed.code, failed.message, failed.cause]).toEqual([
      'MODEL_DOWNLOAD',
      `Expected to download the model ONNX file from ${URL} but the request failed: fetch failed; try again`,
      cause,
    ]);
    expect(fetchFailure('x', URL, { cause: 'refused' }).message).toContain('the request failed: refused');
  });
});
