# syntax=docker/dockerfile:1
# The scoring service, `iqa serve`, with the zoo's default model on CPU (docs/deployment.md).
# Build and run from the repository root (not built in CI, which has no Docker engine):
#   docker build -t iqa-serve .
#   docker run --rm -p 8080:8080 iqa-serve         # or: ... iqa-serve serve --host 0.0.0.0 --max-concurrent 8
#   curl -s --data-binary @photo.jpg -H 'content-type: image/jpeg' 127.0.0.1:8080/score
# The same image runs queue workers (@iqa-zoo/queue is a workspace package, so it is in the image):
#   docker run --rm iqa-serve worker --redis redis://10.0.0.5:6379

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# npm ci installs the lock file and builds every package ("prepare"), then the build tools are
# dropped. ONNXRUNTIME_NODE_INSTALL=skip skips onnxruntime-node's CUDA download (the npm of node:20
# predates package.json's allowScripts, which denies it on npm >= 11.16; .ci/run does the same).
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 8080
# /healthz answers even when every scoring slot is taken (it is outside the admission limit),
# and 503 while shutting down.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: stop accepting, answer in-flight requests, release the model, exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "packages/cli/bin/iqa.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
