/** Dates as mail writes them. Pure. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/**
 * A date as a Date: field or a Received: line writes it (RFC 5322 §3.3), in the zone given in minutes east of UTC
 * (`-Date#getTimezoneOffset()` for the user's clock; UTC by default): "Mon, 30 Nov 2026 04:35:12 +0100".
 */
export function rfc5322Date(now: Date, offsetMinutes = 0): string {
  const t = new Date(now.getTime() + offsetMinutes * 60_000);
  const off = Math.abs(offsetMinutes);
  const zone = `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(off / 60))}${two(off % 60)}`;
  const time = `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
  return `${DAYS[t.getUTCDay()]}, ${two(t.getUTCDate())} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} ${time} ${zone}`;
}
