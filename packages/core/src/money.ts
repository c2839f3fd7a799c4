// Money moves through Coherence as integer cents; these are the only conversions to and from dollars.

const DECIMAL_AMOUNT = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** 123 → "1.23"; always two decimals, never float arithmetic. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.trunc(abs / 100);
  const rest = abs % 100;
  return `${sign}${dollars}.${rest.toString().padStart(2, '0')}`;
}

/** 3283803 → "$32,838.03": for people to read (tables, summaries); data formats keep formatCents. */
export function formatDollars(cents: number): string {
  const [whole, fraction] = formatCents(cents).split('.') as [string, string];
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '');
  return `${sign}$${digits.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction}`;
}

/** 123 → 1.23 as a JSON number, for payloads that carry dollars. */
export function centsToDollars(cents: number): number {
  return Number(formatCents(cents));
}

/**
 * Parses a non-negative dollar amount with at most two decimals ("1.5", 1.25, "10") into cents.
 * Returns undefined for anything else, so callers can name the bad field.
 */
export function parseDollars(value: unknown): number | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    // A JSON number such as 1.1 prints back as "1.1"; anything finer than cents is rejected below.
    text = String(value);
    if (text.includes('e')) return undefined;
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  const match = DECIMAL_AMOUNT.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}
