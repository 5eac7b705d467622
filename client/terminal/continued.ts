/**
 * Whether a buffer row continues a line of heloterm's own that render.ts wrapOwn broke at a space: such a row's
 * indent is concealed (SGR 8), which the buffer keeps. No received text can conceal anything: its control characters
 * are shown, never written (escape.ts). The screen's readers (screen.ts bufferText, links.ts, reports.ts) join such a
 * row to the line above at the space it stands for, so a line reads whole, as written, however it was wrapped.
 */
import type { IBufferLine } from '@xterm/xterm';

// isInvisible() gives the attribute's bit in xterm's cell, not 1: anything but 0 is set.
export const continuesOwn = (line: IBufferLine | undefined): boolean => (line?.getCell(0)?.isInvisible() ?? 0) !== 0;
