import type { RowResult } from './rows.ts';
import { measureVariantRow, personalizedPageProblem, type VariantRowInput } from './variant-row.ts';

export const LOGGING_OFF_ROW = '/search hybrid personalized, feature logging off';

/**
 * The personalized search on a sidecar started with `--no-feature-log`: the same request as the
 * personalized row (whose sidecar logs every served feature vector, the default), so the two p50s
 * give the cost of the logging.
 */
export function measureLoggingOffRow(input: VariantRowInput): Promise<RowResult> {
  return measureVariantRow(input, {
    row: LOGGING_OFF_ROW,
    target: 'sidecar (second pass: trained models; --no-feature-log)',
    serve: { extraArgs: ['--no-feature-log'] },
    problem: (status, json) => personalizedPageProblem(status, json),
  });
}
