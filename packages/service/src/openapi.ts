/** The OpenAPI 3.1 description served at `GET /openapi.json`. */
export function openApiDocument(opts: { bodyLimit: number; maxFiles: number }): Record<string, unknown> {
  const error = {
    type: 'object',
    required: ['code', 'message'],
    properties: { code: { type: 'string', examples: ['INVALID_IMAGE'] }, message: { type: 'string' } },
  };
  const errorBody = {
    type: 'object',
    required: ['error'],
    properties: { error: { $ref: '#/components/schemas/Error' } },
  };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: errorBody } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'iqa-zoo scoring service',
      version: '0.1.0',
      description:
        'No-reference image quality scores from an iqa-zoo ONNX model. ' +
        'Images are sent as bytes; file paths are never accepted.',
    },
    paths: {
      '/score': {
        post: {
          summary: 'Score one image (raw body) or several (multipart/form-data)',
          requestBody: {
            required: true,
            description: `At most ${opts.bodyLimit} bytes per image and ${opts.maxFiles} images per multipart request.`,
            content: {
              'image/*': { schema: { type: 'string', format: 'binary' } },
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              'multipart/form-data': {
                schema: { type: 'object', additionalProperties: { type: 'string', format: 'binary' } },
              },
            },
          },
          responses: {
            '200': {
              description:
                'One result per image, in request order; a bad image in a multipart request gives an error entry',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ScoreResponse' } } },
            },
            '400': errorResponse('Empty or malformed request'),
            '413': errorResponse('Body, image or pixel count over the limit'),
            '415': errorResponse('Not an image format the service decodes'),
            '422': errorResponse('Corrupt, truncated or too small image'),
            '503': errorResponse(
              'Concurrency limit reached, request timed out or shutting down; retry later (Retry-After)',
            ),
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness and readiness',
          responses: {
            '200': {
              description: 'Serving',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } },
            },
            '503': { description: 'Shutting down' },
          },
        },
      },
      '/models': {
        get: {
          summary: 'The zoo models and the one this service runs',
          responses: {
            '200': {
              description: 'Model summaries from the model cards',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
    components: {
      schemas: {
        Error: error,
        ScoreResult: {
          oneOf: [
            {
              type: 'object',
              required: ['score'],
              properties: { score: { type: 'number' }, name: { type: 'string' } },
            },
            {
              type: 'object',
              required: ['error'],
              properties: { error: { $ref: '#/components/schemas/Error' }, name: { type: 'string' } },
            },
          ],
        },
        ScoreResponse: {
          type: 'object',
          required: ['model', 'results'],
          properties: {
            model: { type: 'string' },
            results: { type: 'array', items: { $ref: '#/components/schemas/ScoreResult' } },
          },
        },
        Health: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['ok', 'shutting-down'] },
            model: { type: 'string' },
            device: { type: 'string' },
            inFlight: {
              type: 'integer',
              description: 'Admitted POST /score requests holding a slot (uploading, queued or scoring)',
            },
            scoring: { type: 'integer', description: 'Requests being scored now' },
            queued: { type: 'integer', description: 'Admitted requests waiting to be scored' },
            limits: {
              type: 'object',
              description:
                'The admission limits in force ' +
                '(iqa serve --max-concurrent, --max-scoring, --timeout-ms, --body-limit-mb, --max-files)',
              properties: {
                maxConcurrent: {
                  type: 'integer',
                  description: 'POST /score requests admitted at once; one more is 503 BUSY',
                },
                maxScoring: {
                  type: 'integer',
                  description: 'Admitted requests scored at once; the others wait in a queue',
                },
                requestTimeoutMs: {
                  type: 'integer',
                  description: 'A request not answered this long after its handler started is 503 TIMEOUT',
                },
                bodyLimit: { type: 'integer', description: 'Largest body or multipart part, in bytes (413 above)' },
                maxFiles: { type: 'integer', description: 'Most images in one multipart request (413 above)' },
              },
            },
          },
        },
      },
    },
  };
}
