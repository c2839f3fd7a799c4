// How figures read on the page: whole numbers with separators, dollars from cents, dates in UTC.

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const dollarsShort = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

export const formatCount = (value: number): string => whole.format(value);

/** Exact: cents are whole, so the division by 100 is only for display. */
export const formatCents = (cents: number): string => dollars.format(cents / 100);

export const formatCentsShort = (cents: number): string => (Math.abs(cents) >= 100_000 ? dollarsShort.format(cents / 100) : formatCents(cents));

export const formatScore = (score: number): string => score.toFixed(2);

/** YYYY-MM-DD of a UTC ISO time. */
export const formatDay = (iso: string): string => iso.slice(0, 10);

/** YYYY-MM-DD HH:MM UTC. */
export const formatTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export const shortHash = (hash: string): string => hash.slice(0, 8);
