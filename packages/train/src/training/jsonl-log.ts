/** An append-only JSON-lines training log (loss, learning rate, validation metrics). */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class JsonlLog {
  /** `truncate`: start a new log (a fresh run); otherwise append (a resumed run). */
  constructor(
    readonly file: string,
    options: { truncate?: boolean } = {},
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    if (options.truncate) writeFileSync(file, '');
  }

  write(record: Record<string, unknown>): void {
    appendFileSync(this.file, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }
}
