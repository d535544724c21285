/** An append-only JSON-lines training log (loss, learning rate, validation metrics). */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export class JsonlLog {
  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  write(record: Record<string, unknown>): void {
    appendFileSync(this.file, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }
}
