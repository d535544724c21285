/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
/**
 * The scoring service as a plugin in a user's own Fastify app: registered under a prefix next to
 * the app's own routes, its parsers and error handling stay inside its routes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NodeScorer, createScorer } from '@iqa-zoo/runtime-node';
import { scoringPlugin } from '@iqa-zoo/service';
import Fastify from 'fastify';
import { solid, tinyScore } from '../../runtime-node/test/helpers/images.js';
import { createTinyModel, writeTinyModelDir } from '../../runtime-node/test/helpers/tiny-model.js';

const dir = mkdtempSync(join(tmpdir(), 'iqa-plugin-'));
let scorer: NodeScorer;
beforeAll(async () => {
  scorer = await createScorer(writeTinyModelDir(join(dir, 'tiny'), createTinyModel()), { device: 'cpu' });
});
afterAll(async () => {
  await scorer.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Real HTTP over loopback (fastify's inject needs require(esm), which jest on Node 20 lacks). */
async function call(base: string, method: string, path: string, body?: Uint8Array | string, type?: string) {
  const payload = typeof body === 'string' ? body : body && new Uint8Array(body);
  const res = await fetch(`${base}${path}`, { method, body: payload, headers: type ? { 'content-type': type } : {} });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown> & {
      results?: Array<{ score: number }>;
      error?: { code: string };
    },
  };
}

test(
  "registered under /iqa in the user's app: POST /iqa/score scores; " +
    "the app's own JSON route and 404s are untouched",
  async () => {
    const app = Fastify();
    app.post('/echo', async (req) => ({ echoed: req.body }));
    await app.register(scoringPlugin, { scorer, prefix: '/iqa', maxConcurrent: 2 });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const red = { r: 255, g: 0, b: 0 };
      const scored = await call(base, 'POST', '/iqa/score', new Uint8Array(await solid(32, 32, red)), 'image/png');
      expect(scored.status).toBe(200);
      expect(scored.json.results![0]!.score).toBeCloseTo(tinyScore(red), 3);
      expect((await call(base, 'GET', '/iqa/healthz')).json).toMatchObject({ status: 'ok', model: 'tiny-test' });
      // The plugin's bytes-only parser does not reach the app's routes: JSON still parses there.
      expect((await call(base, 'POST', '/echo', JSON.stringify({ a: 1 }), 'application/json')).json).toEqual({
        echoed: { a: 1 },
      });
      expect((await call(base, 'GET', '/iqa/nope')).json.error!.code).toBe('NOT_FOUND');
      expect((await call(base, 'GET', '/nope')).json).toMatchObject({ statusCode: 404, error: 'Not Found' });
    } finally {
      await app.close();
    }
  },
);
