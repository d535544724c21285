/** Drives the demo page: open it, wait for the model, pick files, read each row's score and device. */
import type { BrowserContext, Page } from 'playwright-core';

export interface DemoRun {
  page: Page;
  device: string;
  reason: string;
  threads: number;
  crossOriginIsolated: boolean;
  /** Full-precision score per file name (from the row's data-score). */
  scores: Record<string, number>;
  errors: string[];
}

/** Opens `url`, waits until the scorer is ready (or failed), picks `files` and waits for every row. */
export async function scoreInDemo(context: BrowserContext, url: string, files: string[]): Promise<DemoRun> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('favicon')) errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('device-info')?.dataset.state !== 'loading', null, {
    timeout: 90_000,
  });
  const state = await page.evaluate(() => {
    const demo = (
      window as unknown as {
        iqaDemo: { scorer?: { device: string; deviceReason: string; threads: number }; error?: string };
      }
    ).iqaDemo;
    return {
      error: demo.error,
      device: demo.scorer?.device,
      reason: demo.scorer?.deviceReason,
      threads: demo.scorer?.threads,
      coi: self.crossOriginIsolated,
    };
  });
  if (state.error) throw new Error(`demo page failed to load the model: ${state.error}`);
  await page.setInputFiles('#file', files);
  await page.waitForFunction(
    (n) => document.querySelectorAll('.result:not([data-state="scoring"])').length === n,
    files.length,
    { timeout: 90_000 },
  );
  const rows = await page.$$eval('.result', (els) => els.map((e) => ({ ...(e as HTMLElement).dataset })));
  const scores: Record<string, number> = {};
  for (const r of rows) {
    if (r.state === 'done') scores[r.file!] = Number(r.score);
    else errors.push(`${r.file}: ${r.state}`);
  }
  return {
    page,
    device: state.device!,
    reason: state.reason!,
    threads: state.threads!,
    crossOriginIsolated: state.coi,
    scores,
    errors,
  };
}

/** |a - b| within `tol`, absolute or relative to |b|. */
export function within(a: number, b: number, tol = 1e-4): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
