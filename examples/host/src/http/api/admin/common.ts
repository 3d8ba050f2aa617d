// What the admin API's route modules share: the `:id` parameter and the config that exempts a route
// from the JSON-only rule.
import type { FastifyContextConfig } from 'fastify';

export interface IdParams {
  readonly id: string;
}
/** Route config exempting a route from the JSON-only rule (`jsonOnly`). */
export const NOT_JSON: FastifyContextConfig & { readonly bodyless: boolean } = { bodyless: true };
