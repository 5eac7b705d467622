/**
 * The SMTP knowledge base as the page uses it: code and enhanced-code explanations, EHLO keywords, vendor rules and
 * the per-reply report. It is most of the page's own weight (the data tables), so main.ts loads it as a separate
 * chunk with import(), in parallel with the WebSocket handshake, instead of making the first paint wait for it.
 */
export { explainCode, explainEnhanced } from '../shared/smtp/explain.js';
export { findKeywordToken } from '../shared/smtp/ehlo.js';
export { reportReply } from '../shared/smtp/report.js';

/** The loaded module; null until it has arrived. */
export type Knowledge = typeof import('./knowledge.js');
export type KnowledgeRef = () => Knowledge | null;
