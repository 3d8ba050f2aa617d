import type { FastifyRequest } from 'fastify';

/**
 * The query string as Graph reads it: form-decoded (URLSearchParams semantics: a raw `+` is a
 * space, `%XX` is a byte), whatever the HTTP framework's own parser does. Graph known issues and
 * "Use query parameters" (https://learn.microsoft.com/graph/query-parameters#encoding-query-parameters):
 * values must be percent-encoded; a `+` left raw is read as a space.
 */
export const graphQuery = (req: FastifyRequest): URLSearchParams => {
  const i = req.url.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : req.url.slice(i + 1));
};
