/**
 * Headless Debian chromium for the browser tests, driven by playwright-core.
 * Tests skip (loudly) only when /usr/bin/chromium is absent and CI is unset; in CI they must run
 * (.ci/install-browser.sh installs chromium).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.IQA_CHROMIUM ?? '/usr/bin/chromium';

/** Flags of every run: no first-run UI, no background traffic, no sync. */
export const BASE_FLAGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WebGPU on the machine's own GPU (if any); Linux chromium needs Vulkan and the unsafe-webgpu switch. */
export const WEBGPU_HARDWARE_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan'];

/** WebGPU on SwiftShader, Chromium's CPU implementation of Vulkan: a real WebGPU adapter without a GPU. */
export const WEBGPU_SWIFTSHADER_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Why the browser tests cannot run here, or undefined when they can (or must, in CI). */
export function skipReason(): string | undefined {
  if (existsSync(CHROMIUM) || process.env.CI) return undefined;
  const why = `${CHROMIUM} is missing (run .ci/install-browser.sh); browser tests SKIPPED`;
  console.warn(`\n*** ${why} ***\n`);
  return why;
}

export interface Launched {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches chromium with a fresh user-data-dir; `--disable-gpu` unless WebGPU flags are given. */
export async function launch(extraFlags: string[] = []): Promise<Launched> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'iqa-chromium-'));
  const gpu = extraFlags.some((f) => f.includes('webgpu'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_FLAGS, ...(gpu ? [] : ['--disable-gpu']), ...extraFlags],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Asks the page's navigator.gpu for an adapter: its description, or why there is none. */
export async function probeAdapter(context: BrowserContext, url: string): Promise<{ adapter?: string; why?: string }> {
  const page = await context.newPage();
  try {
    await page.goto(url);
    return await page.evaluate(async () => {
      const gpu = (
        navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }
      ).gpu;
      if (!gpu) return { why: 'navigator.gpu is missing' };
      const a = await gpu.requestAdapter();
      if (!a) return { why: 'navigator.gpu.requestAdapter() returned null' };
      const info = a.info ?? {};
      return {
        adapter:
          [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') ||
          'unnamed adapter',
      };
    });
  } finally {
    await page.close();
  }
}
