// The server-rendered pages: home, portal, admin console, /mail, static assets (work in progress).
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../app/HostApp.js';

/** Registers every HTML route (`/`, `/portal/**` but `/portal/api/**` except password-check, `/admin/**`, `/mail/**`, `/assets/**`). */
export const registerPages = async (server: FastifyInstance, app: HostApp): Promise<void> => {
  void server;
  void app;
  await Promise.resolve();
};
