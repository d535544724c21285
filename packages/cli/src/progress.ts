/**
 * A one-line progress bar on a terminal (stderr), redrawn at most every 100 ms.
 * When stderr is not a terminal it draws nothing, so piped output stays clean.
 */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
  ) {}

  /** Counts one finished item. */
  tick(): void {
    this.done++;
    const now = Date.now();
    if (this.enabled && (now - this.lastDraw > 100 || this.done === this.total)) {
      this.lastDraw = now;
      this.draw();
    }
  }

  /** Writes a line (e.g. an error) above the bar. */
  log(line: string): void {
    this.clear();
    this.write(`${line}\n`);
    if (this.enabled && this.done > 0 && this.done < this.total) this.draw();
  }

  /** Removes the bar. */
  clear(): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(): void {
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? (this.done / secs).toFixed(1) : '-';
    this.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${rate} img/s`);
    this.drawn = true;
  }
}
