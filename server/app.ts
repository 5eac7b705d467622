/**
 * The HTTP side: the built client, a health check, whether there is room for a page (`GET /room`) and the class
 * view's data. No sockets here (the WebSocket is ws-gateway.ts).
 */
import { existsSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { classKeyMatches } from './class-view.js';
import { CLASS_CALL_PATH, CLASS_HAND_PATH, CLASS_SAY_PATH, CLASS_SESSIONS_PATH, decodeCallRequest, decodeHandRequest, decodeSayRequest, type CallAnswer, type ClassSnapshot } from '../shared/protocol/class.js';
import { CLASS_LESSONS_PATH, questionInFile } from '../shared/lessons/lesson-file.js';
import type { QuizQuestion } from '../shared/lessons/quiz.js';
import type { Lesson } from '../shared/lessons/lesson.js';
import { MAX_CLASS_SAY } from '../shared/protocol/app-limits.js';
import { ROOM_PATH, type RoomAnswer } from '../shared/protocol/room.js';

/**
 * The Content-Security-Policy the page works under (checked in Chromium by test/security/browser.test.ts): only our
 * own scripts, styles, images and fonts, WebSockets to our own origin, no framing, no plugins, no forms elsewhere.
 * style-src needs 'unsafe-inline': xterm.js 6 creates <style> elements at run time and has no nonce option. No
 * `https:` wildcards (helmet's defaults allow any https: font and style).
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  // 'self' covers ws: and wss: to the same host and port (CSP Level 3 §6.7.2.8).
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** What the instructor's class view reaches, with its key. */
export interface ClassViewAccess {
  key: string;
  /** The class as it is now (class-view.ts). */
  snapshot(): ClassSnapshot;
  /**
   * Asks every page to start the lesson with this id (null: withdraws the call); the pages told, or null for no such
   * lesson.
   */
  call(lesson: string | null): number | null;
  /** Says a note to every page (null: takes it back), or to page `seat` alone; the pages told, null for no such page. */
  say(text: string | null, seat?: number): number | null;
  /** Lowers the hand page `seat`'s trainee raised; false when no such page asks for help. */
  lowerHand(seat: number): boolean;
}

/**
 * A call's body is `{"lesson": "<id>"}` or `{"lesson": null}`, a hand's `{"seat": 3}`: a few dozen bytes; a note's at
 * most MAX_CLASS_SAY characters, each escaped in JSON at most as `\uXXXX` (6 bytes).
 */
const CALL_BODY_LIMIT = 2 * 1024;
const CALL_BODY_ERROR = 'the body must be JSON, {"lesson": "<lesson id>"} (or {"lesson": null} to withdraw the call)';
const SAY_BODY_ERROR = `the body must be JSON, {"text": "<a note of one line, at most ${MAX_CLASS_SAY} characters, no control characters>"} (or {"text": null} to take it back; with "seat": <a page's number>, to that trainee alone)`;
const HAND_BODY_ERROR = 'the body must be JSON, {"seat": <the page\'s number in the class view>}';

export interface AppOptions {
  /** The built client (vite build output), with index.html. */
  clientDir: string;
  /** The instructor's class view: its key, the class as it is now, and the lesson call. */
  classView?: ClassViewAccess;
  /** A class's own lessons (--lessons), served to the page at /lessons.json; none: an empty list. */
  classLessons?: readonly Lesson[];
  /** A class's own quiz questions, served with them, as its lesson file writes them. */
  classQuiz?: readonly QuizQuestion[];
  /** Whether the bridge has room for one more page from this request's client (room.ts), for `GET /room`. */
  room?: (req: http.IncomingMessage) => RoomAnswer;
}

export function createApp(opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      // Served over plain http on loopback: forcing https would break every request.
      strictTransportSecurity: false,
      contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  // Lessons are no secret: served to every page (as the page itself is), and not cached, so a restart with another file
  // shows at the next load.
  const quiz = opts.classQuiz ?? [];
  const lessonsBody = JSON.stringify({ lessons: opts.classLessons ?? [], ...(quiz.length === 0 ? {} : { quiz: quiz.map(questionInFile) }) });
  app.get(`/${CLASS_LESSONS_PATH}`, (_req, res) => {
    res.set('Cache-Control', 'no-store').type('application/json').send(lessonsBody);
  });
  // A page turned away at first contact asks why (its browser cannot read the refused handshake): about its own
  // address only, so no key.
  app.get(ROOM_PATH, (req, res) => {
    const answer: RoomAnswer = opts.room?.(req) ?? { room: true };
    res.set('Cache-Control', 'no-store').json(answer);
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // The class view's data, its call and the hands it lowers, for the instructor's key only: sent as a header by
  // class.html, never in a URL (logs). The key is checked before a body is read.
  const withClassKey = (req: express.Request, res: express.Response, next: express.NextFunction): void => {
    res.set('Cache-Control', 'no-store');
    const view = opts.classView;
    if (view === undefined || !classKeyMatches(req.get('authorization'), view.key)) {
      res.status(401).json({ error: "the class view needs the instructor's key: open the class view address heloterm printed at start" });
      return;
    }
    next();
  };
  app.get(CLASS_SESSIONS_PATH, withClassKey, (_req, res) => {
    res.json(opts.classView?.snapshot());
  });
  const call: express.RequestHandler = (req, res) => {
    const body = decodeCallRequest(req.body);
    if (body === null) return void res.status(400).json({ error: CALL_BODY_ERROR });
    const pages = opts.classView?.call(body.lesson) ?? null;
    if (pages === null) return void res.status(400).json({ error: `there is no lesson "${body.lesson}" on this heloterm` });
    const answer: CallAnswer = { pages };
    res.json(answer);
  };
  const say: express.RequestHandler = (req, res) => {
    const body = decodeSayRequest(req.body);
    if (body === null || opts.classView === undefined) return void res.status(400).json({ error: SAY_BODY_ERROR });
    const pages = opts.classView.say(body.text, body.seat);
    if (pages === null) return void res.status(404).json({ error: `page ${body.seat} is not open (it has closed, or the bridge restarted)` });
    const answer: CallAnswer = { pages };
    res.json(answer);
  };
  const hand: express.RequestHandler = (req, res) => {
    const body = decodeHandRequest(req.body);
    if (body === null) return void res.status(400).json({ error: HAND_BODY_ERROR });
    if (opts.classView?.lowerHand(body.seat) !== true) return void res.status(404).json({ error: `page ${body.seat} does not ask for help (its hand is down, or it has closed)` });
    res.json({ lowered: true });
  };
  // A body that is not JSON, or too long: said in JSON, never Express's page with a stack trace.
  const badBody =
    (error: string): express.ErrorRequestHandler =>
    (err: { status?: number }, _req, res, _next) => {
      res.status(err.status === 413 ? 413 : 400).json({ error });
    };
  const json = express.json({ limit: CALL_BODY_LIMIT, strict: false });
  app.post(CLASS_CALL_PATH, withClassKey, json, call, badBody(CALL_BODY_ERROR));
  app.post(CLASS_SAY_PATH, withClassKey, json, say, badBody(SAY_BODY_ERROR));
  app.post(CLASS_HAND_PATH, withClassKey, json, hand, badBody(HAND_BODY_ERROR));
  app.use(express.static(opts.clientDir));
  const index = path.join(opts.clientDir, 'index.html');
  app.get('/', (_req, res) => {
    // Only reached when the client was not built (express.static serves index.html otherwise).
    res.status(existsSync(index) ? 500 : 503).type('text/plain').send(`The client is not built: run "npm run build" (looked in ${opts.clientDir}).\n`);
  });
  return app;
}
