/**
 * The HTTP side: the built client and a health check. No sockets here (the WebSocket is ws-gateway.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';

export interface AppOptions {
  /** The built client (vite build output), with index.html. */
  clientDir: string;
}

export function createApp(opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      // Served over plain http on loopback: forcing https would break every request.
      strictTransportSecurity: false,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(express.static(opts.clientDir));
  const index = path.join(opts.clientDir, 'index.html');
  app.get('/', (_req, res) => {
    // Only reached when the client was not built (express.static serves index.html otherwise).
    res.status(existsSync(index) ? 500 : 503).type('text/plain').send(`The client is not built: run "npm run build" (looked in ${opts.clientDir}).\n`);
  });
  return app;
}
