import type { Page } from 'playwright-core';
import type { BrowserGlobals, DomImage } from './browser-dom.ts';

/** Waits until every thumbnail of the shown results has loaded (or failed), then counts those that decoded. */
export async function decodedThumbnails(page: Page, timeoutMs = 20_000): Promise<{ total: number; decoded: number }> {
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as BrowserGlobals;
      const images = [...document.querySelectorAll('#results .hit img')] as DomImage[];
      return images.length > 0 && images.every((img) => img.complete);
    },
    null,
    { timeout: timeoutMs },
  );
  return page.evaluate(async () => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const images = [...document.querySelectorAll('#results .hit img')] as DomImage[];
    await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
    return { total: images.length, decoded: images.filter((img) => img.naturalWidth > 0).length };
  });
}

/** The photo ids of the shown results, in order. */
export function hitIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    return [...document.querySelectorAll('#results .hit')].map((hit) => hit.dataset.photoId ?? '');
  });
}

/** True when the focused element matches `selector`. */
export function focusMatches(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((selector) => {
    const { document } = globalThis as unknown as BrowserGlobals;
    return document.activeElement?.matches(selector) ?? false;
  }, selector);
}

/** Types a query into the search box and submits it as a person would (Enter), waiting for new results. */
export async function searchFromPage(page: Page, q: string): Promise<void> {
  const before = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.querySelector('#results')?.getAttribute('data-request-id') ?? null);
  await page.fill('#q', q);
  await page.press('#q', 'Enter');
  await page.waitForFunction((previous) => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const id = document.querySelector('#results')?.getAttribute('data-request-id');
    return (id !== undefined && id !== null && id !== previous) || document.querySelector('#status.error') !== null;
  }, before);
  const error = await page.$('#status.error');
  if (error) throw new Error(`page: the search for ${q} failed: ${await error.textContent()}`);
}

/**
 * One search timed inside the page: from the form's submit to the new results' thumbnails all
 * loaded and decoded (`naturalWidth > 0`), measured with the page's own clock.
 */
export function timedSearch(page: Page, q: string, timeoutMs = 20_000): Promise<{ ms: number; thumbnails: number }> {
  return page.evaluate(
    async ({ q, timeoutMs }) => {
      const { document } = globalThis as unknown as BrowserGlobals;
      const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
      const before = document.querySelector('#results')?.getAttribute('data-request-id');
      (document.querySelector('#q') as unknown as { value: string }).value = q;
      const started = performance.now();
      (document.querySelector('#search') as unknown as { requestSubmit(): void }).requestSubmit();
      let images: DomImage[] = [];
      for (;;) {
        if (performance.now() - started > timeoutMs) throw new Error(`search ${q}: no decoded results after ${timeoutMs} ms`);
        if (document.querySelector('#status.error')) throw new Error(`search ${q}: ${document.querySelector('#status')?.textContent}`);
        const section = document.querySelector('#results');
        if (section && section.getAttribute('data-request-id') !== before) {
          images = [...section.querySelectorAll('.hit img')] as DomImage[];
          if (images.every((img) => img.complete)) break;
        }
        await tick();
      }
      await Promise.all(images.map((img) => img.decode()));
      return { ms: performance.now() - started, thumbnails: images.filter((img) => img.naturalWidth > 0).length };
    },
    { q, timeoutMs },
  );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
