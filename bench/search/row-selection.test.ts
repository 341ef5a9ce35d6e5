import { describe, expect, it } from 'vitest';
import { EXPERIMENT_ROW } from './experiment-row.ts';
import { LOGGING_OFF_ROW } from './logging-row.ts';
import { ALL_ROWS, selectRows } from './row-selection.ts';

describe('selectRows', () => {
  it('measures every row without --rows', () => {
    const all = selectRows(undefined);
    expect(all.names).toBe('all');
    for (const name of ALL_ROWS) expect(all.has(name)).toBe(true);
  });

  it('measures only the rows named, trimmed, in the bench order', () => {
    const some = selectRows('/search hybrid, embed → es msearch,embed ,es msearch,');
    expect(some.names).toEqual(['embed', 'es msearch', 'embed → es msearch', '/search hybrid']);
    expect(some.has('embed')).toBe(true);
    expect(some.has('es knn')).toBe(false);
    expect(some.has('/search hybrid personalized')).toBe(false);
  });

  it('knows the experiment and logging-off rows by their names', () => {
    // Their names hold a comma: the longest known name at each place wins.
    expect(selectRows(`${EXPERIMENT_ROW},${LOGGING_OFF_ROW}`).names).toEqual([EXPERIMENT_ROW, LOGGING_OFF_ROW]);
    const mixed = selectRows('/search hybrid personalized, feature logging off, /search hybrid personalized,embed');
    expect(mixed.names).toEqual(['embed', '/search hybrid personalized', LOGGING_OFF_ROW]);
    expect(mixed.has(EXPERIMENT_ROW)).toBe(false);
  });

  it('refuses a name it does not have, and lists the names', () => {
    expect(() => selectRows('embed,es msearh')).toThrow(/no row named "es msearh" \(rows: embed, es keyword/);
    expect(() => selectRows(' , ')).toThrow(/names no row/);
    // A row the bench measures under a name not listed here is an error too, not a silent skip.
    expect(() => selectRows('embed').has('/search fancy')).toThrow(/no row named/);
    expect(() => selectRows(undefined).has('/search fancy')).toThrow(/no row named/);
  });
});
