// HTML not-found and error pages for the page routes (the JSON prefixes keep the HTTP layer's
// JSON answers).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { isProblemError } from '../problem.js';
import { html } from './html.js';
import { retryAfter, said, sendPage } from './support.js';
import { Layout } from './ui.js';
import { statusOf } from '../problem.js';

export const sendNotFoundPage = (app: HostApp, reply: FastifyReply, detail = 'There is nothing at this address.'): FastifyReply =>
  sendPage(
    reply,
    Layout({
      app,
      title: 'Not found',
      section: 'home',
      children: html`<h1>Page not found</h1><p>${detail}</p><p><a href="/">Go to the home page</a></p>`,
    }),
    404,
  );

/** The pages' error handler: CSRF and rate-limit refusals as pages, anything unexpected as a 500 with the request id. */
export const pagesErrorHandler =
  (app: HostApp) =>
  (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const page = (status: number, title: string, message: string) =>
      sendPage(
        reply,
        Layout({
          app,
          title,
          section: 'home',
          children: html`<h1>${title}</h1><p role="alert">${message}</p><p><a href="/">Go to the home page</a></p>`,
        }),
        status,
      );
    if (isProblemError(error)) {
      retryAfter(reply, error.problem);
      return page(
        statusOf(error.problem),
        error.problem.kind === 'throttled' ? 'Too many attempts' : 'Request refused',
        said(error.problem),
      );
    }
    if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
      request.log.info({ code: error.code }, 'form refused: CSRF token');
      return page(403, 'Form expired', 'This form was not sent from this site or has expired. Go back, reload the page and try again.');
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Never the error's message: a parser's message could quote the body.
      request.log.info({ code: error.code, statusCode: status }, 'request refused');
      return page(
        status,
        'Request refused',
        status === 413 ? 'The form is too large.' : 'The request could not be understood. Go back and try again.',
      );
    }
    request.log.error({ err: error }, 'page failed');
    return page(500, 'Something went wrong', `The host could not show this page. The log has the details under request id ${request.id}.`);
  };
