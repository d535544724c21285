/** Opening the Redis connection that the scoring queue's producers and workers share. */
import { Redis } from 'ioredis';

/**
 * Connects to Redis at `url` (`redis://[user:pass@]host:port[/db]` or `rediss://` for TLS), with
 * the settings BullMQ workers need (no per-command retry limit). The caller closes it (`quit()`).
 *
 * @example
 * const redis = openRedis('redis://127.0.0.1:6379');
 */
export function openRedis(url: string): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Expected a Redis URL like redis://127.0.0.1:6379 for redis but received ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`Expected a redis: or rediss: URL for redis but received ${JSON.stringify(url)}`);
  }
  return new Redis(url, { maxRetriesPerRequest: null });
}
