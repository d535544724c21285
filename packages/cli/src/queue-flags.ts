import { loadOptional } from './delegate.js';
import { type CliIo, UsageError } from './io.js';

/** The package behind `iqa worker` and `iqa enqueue`, an optional peer of @iqa-zoo/cli. */
export type QueueModule = typeof import('@iqa-zoo/queue');

/**
 * Imports `@iqa-zoo/queue` for `iqa <command>` (so only the queue commands load BullMQ), or says on
 * stderr how to install it and returns undefined.
 */
export function loadQueue(command: 'worker' | 'enqueue', io: CliIo): Promise<QueueModule | undefined> {
  return loadOptional<QueueModule>(command, '@iqa-zoo/queue', io);
}

/** `--redis URL`: required, a redis: or rediss: URL. */
export function redisFlag(value: string | undefined): string {
  if (value === undefined) throw new UsageError('Expected --redis URL (e.g. redis://127.0.0.1:6379) but received none');
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new UsageError(`Expected a redis:// or rediss:// URL for --redis but received "${value}"`);
  }
  return value;
}
