// Strict parsing of --since/--until dates into unix seconds. git's own approxidate accepts almost
// anything ("foo bar" means "now"), so we accept only the forms we document and reject the rest.

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const RELATIVE = /^(\d{1,9})[ .]+(second|minute|hour|day|week|month|year)s?[ .]+ago$/i;
const UNIX_SECONDS = /^@(\d{1,13})$/;

const SECONDS_PER_UNIT: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
};

/**
 * Unix seconds for an ISO 8601 date or date-time, "N <unit>[s] ago" (spaces or dots), yesterday, today,
 * now, or "@<unix seconds>"; undefined for anything else. A date or time without an offset is UTC, so a
 * range means the same on every machine. Like git, "yesterday" is exactly 24 hours before now.
 */
export function parseGitDate(text: string, now: Date): number | undefined {
  const value = text.trim().replace(/\s+/g, ' ');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const keyword = value.toLowerCase();
  if (keyword === 'now' || keyword === 'today') return nowSeconds;
  if (keyword === 'yesterday') return nowSeconds - 86_400;
  const unix = UNIX_SECONDS.exec(value);
  if (unix) return representable(Number(unix[1]));
  const relative = RELATIVE.exec(value);
  if (relative) return representable(relativeDate(Number(relative[1]), relative[2]!.toLowerCase(), now));
  const iso = ISO_DATE_TIME.exec(value);
  return iso ? representable(isoDate(iso)) : undefined;
}

/** The limit of a JavaScript Date, in seconds; beyond it ("900000 years ago") dates come out as NaN. */
const MAX_SECONDS = 8.64e12;

function representable(seconds: number | undefined): number | undefined {
  return seconds !== undefined && Math.abs(seconds) <= MAX_SECONDS ? seconds : undefined;
}

function relativeDate(count: number, unit: string, now: Date): number {
  const seconds = SECONDS_PER_UNIT[unit];
  if (seconds !== undefined) return Math.floor(now.getTime() / 1000) - count * seconds;
  return Math.floor(subtractMonths(now, unit === 'year' ? count * 12 : count).getTime() / 1000);
}

/** Calendar months back, keeping the time of day; the 31st lands on the last day of a shorter month. */
function subtractMonths(now: Date, months: number): Date {
  const monthIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const result = new Date(now.getTime());
  result.setUTCFullYear(year, month, Math.min(now.getUTCDate(), daysInMonth(year, month + 1)));
  return result;
}

function isoDate(match: RegExpExecArray): number | undefined {
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hour, minute, second] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetSeconds(match[7]);
  if (offset === undefined) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() / 1000 - offset;
}

/** "+02:00", "-0530", "+09" or "Z" in seconds east of UTC; undefined when out of range. */
function offsetSeconds(text: string | undefined): number | undefined {
  if (text === undefined || text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (text.startsWith('-') ? -1 : 1) * (hours * 3600 + minutes * 60);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
