/** The type guards every decoder of wire data uses (decode-app.ts, decode-probes.ts, class.ts). Pure. */
export type Obj = Record<string, unknown>;

export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
/** A string of at most `max` UTF-16 units. */
export const isStr = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;
export const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
/** A whole number, 0 or more. */
export const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
