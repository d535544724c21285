/** Opening the Redis connection that the scoring queue's producers and workers share. */
import { IqaError } from '@iqa-zoo/core';
import { Redis } from 'ioredis';

/**
 * Connects to Redis at `url` (`redis://[user:pass@]host:port[/db]` or `rediss://` for TLS), with
 * the settings BullMQ workers need (no per-command retry limit). The caller closes it (`quit()`).
 *
 * @example
 * const redis = openRedis('redis://127.0.0.1:6379');
 */
export function openRedis(url: string): Redis {
  redisUrl(url);
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** `url` parsed, or a TypeError saying what a Redis URL looks like. */
function redisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `Expected a Redis URL like redis://127.0.0.1:6379 for redis but received ${JSON.stringify(url)}`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`Expected a redis: or rediss: URL for redis but received ${JSON.stringify(url)}`);
  }
  return parsed;
}

/** `host:port` of a Redis URL, without its credentials (for messages and logs). */
export function redisAddress(url: string): string {
  const parsed = redisUrl(url);
  return `${parsed.hostname}:${parsed.port || 6379}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}

/**
 * Connects once to Redis at `url` and sends PING, without retries; rejects with an
 * `INVALID_ARGUMENT` IqaError naming the address and the reason when no Redis answers within
 * `timeoutMs` (default 5000). The connections `openRedis` opens retry for ever, which a worker
 * fleet wants once it runs; this check makes a wrong URL fail at start instead of waiting.
 *
 * @example
 * await checkRedis('redis://127.0.0.1:6379');
 */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const address = redisAddress(url);
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: NodeJS.ErrnoException | undefined;
  probe.on('error', (err: NodeJS.ErrnoException) => {
    lastError = err; // reported by the rejection below, with its code (ECONNREFUSED, ENOTFOUND, ...)
  });
  const timer = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref();
  });
  try {
    await Promise.race([probe.connect().then(() => probe.ping()), timer]);
  } catch (err) {
    const cause = lastError ?? (err as NodeJS.ErrnoException);
    const reason = cause.code ?? cause.message;
    throw new IqaError('INVALID_ARGUMENT', `Expected a Redis server at ${address} but connecting failed (${reason})`, {
      cause,
    });
  } finally {
    probe.disconnect();
  }
}
