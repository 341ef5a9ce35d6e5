import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { PROBLEM_RESPONSES } from '../routes/problem-schema.ts';
import { scopeOf, type RequestScope, type SidecarServices } from '../services.ts';

export const FeedbackSchema = z
  .object({
    user: z.string().trim().min(1).max(200),
    photo: z.string().trim().min(1).max(200).openapi({ description: 'photo_id of an indexed photo' }),
    type: z.enum(['click', 'download', 'like', 'skip']),
    query: z.string().trim().max(500).optional(),
    country: z.string().trim().min(1).max(100).optional(),
    request_id: z.string().max(200).optional().openapi({ description: 'The request_id of the search the photo was shown in' }),
  })
  .strict()
  .openapi('Feedback');

export const FeedbackResponseSchema = z
  .object({
    accepted: z.literal(true),
    profile: z.object({ interactions: z.number().int(), positives: z.number().int(), session: z.boolean() }),
  })
  .openapi('FeedbackAccepted');

export type Feedback = z.infer<typeof FeedbackSchema>;

const feedbackRoute = createRoute({
  method: 'post',
  path: '/feedback',
  summary: 'Record what a user did with a photo (updates the live profile; stored in feedback-events)',
  request: { body: { required: true, content: { 'application/json': { schema: FeedbackSchema } } } },
  responses: { 202: { description: 'Recorded', content: { 'application/json': { schema: FeedbackResponseSchema } } }, 404: PROBLEM_RESPONSES[400], ...PROBLEM_RESPONSES },
});

export function registerFeedbackRoute(app: OpenAPIHono, services: SidecarServices): void {
  app.openapi(feedbackRoute, async (c) => c.json(await recordFeedback(services, c.req.valid('json'), scopeOf(c)), 202));
}

/**
 * Feedback → `feedback-events` (buffered bulk, flushed on shutdown) and, at once, the user's
 * profile in this instance's cache. A photo that is not in the index is a 404, not a silent event.
 */
export async function recordFeedback(services: SidecarServices, feedback: Feedback, scope: RequestScope): Promise<z.infer<typeof FeedbackResponseSchema>> {
  const { requestId, signal } = scope;
  const exists = await services.reads.exists(feedback.photo, { index: services.index, signal });
  if (!exists) throw new HTTPException(404, { message: `photo: no photo ${feedback.photo} in ${services.index}` });
  const at = Date.now();
  services.feedbackEvents.write({
    '@timestamp': new Date(at).toISOString(),
    index: services.index,
    user: feedback.user,
    photo_id: feedback.photo,
    type: feedback.type,
    query: feedback.query,
    country: feedback.country,
    source: 'sidecar',
    request_id: feedback.request_id ?? requestId,
  });
  const profile = await services.profiles.record(feedback.user, { photo_id: feedback.photo, type: feedback.type, at }, signal);
  return { accepted: true, profile: { interactions: profile.interactions.length, positives: profile.positives.length, session: profile.session !== null } };
}
