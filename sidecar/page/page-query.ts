import { z } from '@hono/zod-openapi';

/** Photos per page: four rows of six on a wide screen, enough to judge a ranking by eye. */
export const PAGE_K = 24;

export const MODES = ['hybrid', 'clip', 'keyword'] as const;
export const ORIENTATIONS = ['landscape', 'portrait', 'squarish'] as const;

/** An empty field of a submitted form means "not set". */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/**
 * The personalize switch is a hidden `off` followed by a checkbox `on`: a checked box sends both,
 * an unchecked one only `off`, so the last value is the answer and a bare link (`/?q=…&user=…`,
 * neither sent) personalizes.
 */
const onOff = z
  .union([z.enum(['on', 'off']), z.array(z.enum(['on', 'off']))])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[v.length - 1] : v) !== 'off');

/** `GET /?q=…&mode=…&user=…&personalize=…&color=…&orientation=…&country=…&ops=on`, as the page's form sends it. */
export const PageQuerySchema = z.object({
  q: optionalText(500).openapi({ description: 'The text searched; without it the page shows the form alone' }),
  mode: z.enum(MODES).default('hybrid'),
  user: optionalText(200).openapi({ description: 'Personalize for this user; empty or "anonymous" for nobody' }),
  personalize: onOff.openapi({ description: 'on (default) or off; the form sends "off" then "on" when checked' }),
  color: optionalText(200),
  orientation: z
    .enum(['', ...ORIENTATIONS])
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  country: optionalText(100),
  ops: z
    .enum(['on'])
    .optional()
    .transform((v) => v === 'on')
    .openapi({ description: 'on: the operator view — when an experiment runs, which arm or team placed each photo' }),
});

export type PageQuery = z.infer<typeof PageQuerySchema>;

/** The user a page query personalizes for, if any ("anonymous" is nobody). */
export function userOf(query: Pick<PageQuery, 'user'>): string | undefined {
  return query.user && query.user.toLowerCase() !== 'anonymous' ? query.user : undefined;
}

/** The /search body of a page query: the same request the page's script sends. */
export function searchBodyOf(query: PageQuery & { q: string }): Record<string, unknown> {
  const user = userOf(query);
  const filters = {
    ...(query.color ? { color: query.color } : {}),
    ...(query.orientation ? { orientation: query.orientation } : {}),
    ...(query.country ? { country: query.country } : {}),
  };
  return {
    q: query.q,
    mode: query.mode,
    k: PAGE_K,
    ...(user ? { user } : {}),
    personalize: query.personalize,
    // The "why" line needs each hit's feature contributions; only a personalized search has them.
    explain: user !== undefined && query.personalize,
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
  };
}
