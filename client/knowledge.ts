/**
 * The SMTP knowledge base as the page uses it: code and enhanced-code explanations, EHLO keywords, vendor rules and
 * the per-reply report. It is most of the page's own weight (the data tables), so it is part of the app chunk
 * (app.ts), which the boot script (main.ts) loads in parallel with the WebSocket handshake: the first prompt does
 * not wait for it.
 */
export { explainCode, explainEnhanced } from '../shared/smtp/explain.js';
export { findKeywordToken } from '../shared/smtp/ehlo.js';
export { reportReply } from '../shared/smtp/report.js';

/** The module; a reference may answer null while it is not loaded (the tooltip and links allow for that). */
export type Knowledge = typeof import('./knowledge.js');
export type KnowledgeRef = () => Knowledge | null;
