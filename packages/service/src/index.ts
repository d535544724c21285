/**
 * @iqa-zoo/service: the HTTP scoring service. `scoringPlugin` registers it in your own Fastify app;
 * `createServer` builds a server of its own (what `iqa serve` runs).
 */
export { scoringPlugin, createServer } from './create-server.js';
export type { ScoringOptions, ServerOptions } from './create-server.js';
export { openApiDocument } from './openapi.js';
export { toHttpError, ServiceError } from './http-errors.js';
