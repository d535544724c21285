/**
 * Progress for long work: a redrawn bar on a terminal, plain lines every `every` items in logs.
 */
export class Progress {
  private done = 0;
  private readonly start = Date.now();
  private lastLine = 0;

  constructor(
    readonly label: string,
    readonly total: number,
    readonly stream: NodeJS.WriteStream = process.stderr,
    readonly every = Math.max(1, Math.ceil(total / 10)),
  ) {}

  tick(n = 1, note = ''): void {
    this.done += n;
    const secs = (Date.now() - this.start) / 1000;
    const rate = this.done / Math.max(secs, 1e-3);
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const text = `${this.label} ${this.done}/${this.total} ${rate.toFixed(1)}/s eta ${eta.toFixed(0)}s ${note}`;
    if (this.stream.isTTY) {
      const width = 24;
      const fill = Math.round((this.done / this.total) * width);
      this.stream.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${text}\x1b[K`);
      if (this.done >= this.total) this.stream.write('\n');
    } else if (this.done >= this.total || this.done - this.lastLine >= this.every) {
      this.lastLine = this.done;
      this.stream.write(`${text}\n`);
    }
  }
}
