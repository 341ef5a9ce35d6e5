import { describe, expect, it } from 'vitest';
import { eventTemplates } from '../../es-mappings/templates.ts';
import { STAGES, Stopwatch } from './stopwatch.ts';

describe('the stages a request times', () => {
  it('are each a field of took_ms in the search-events mapping (strict: a missing one loses every event that timed it)', () => {
    const searchEvents = eventTemplates().find((t) => t.index === 'search-events')!;
    const mappings = (searchEvents.body.template as { mappings: { dynamic?: string; properties: Record<string, { properties?: Record<string, { type: string }> }> } }).mappings;
    const tookMs = mappings.properties.took_ms!.properties!;
    for (const stage of [...STAGES, 'total']) expect(tookMs[stage], `took_ms.${stage}`).toEqual({ type: 'float' });
  });

  it('adds up a stage timed twice, and the total', async () => {
    const watch = new Stopwatch();
    watch.add('vectors', 1.5);
    await watch.timeAsync('vectors', async () => {});
    const took = watch.result();
    expect(took.vectors).toBeGreaterThanOrEqual(1.5);
    expect(took.total).toBeGreaterThanOrEqual(0);
  });
});
