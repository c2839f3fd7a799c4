import { describe, expect, it } from 'vitest';
import { centsToDollars, formatCents, formatDollars, parseDollars } from './money.js';

describe('money', () => {
  it('formats cents with two decimals', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(123456)).toBe('1234.56');
    expect(formatCents(-30)).toBe('-0.30');
    expect(centsToDollars(1010)).toBe(10.1);
  });

  it('formats dollars for people, with thousands separators', () => {
    expect(formatDollars(0)).toBe('$0.00');
    expect(formatDollars(99_999)).toBe('$999.99');
    expect(formatDollars(100_000)).toBe('$1,000.00');
    expect(formatDollars(3_283_803)).toBe('$32,838.03');
    expect(formatDollars(123_456_789_012)).toBe('$1,234,567,890.12');
    expect(formatDollars(-123_456)).toBe('-$1,234.56');
  });

  it('parses dollar amounts to cents exactly', () => {
    expect(parseDollars(0.1)).toBe(10);
    expect(parseDollars(0.29)).toBe(29); // 0.29 × 100 is 28.999999999999996 in floats
    expect(parseDollars('1.5')).toBe(150);
    expect(parseDollars(10)).toBe(1000);
    expect(parseDollars('12.34')).toBe(1234);
  });

  it('rejects amounts finer than a cent, negative or not numbers', () => {
    for (const bad of [0.001, '1.234', -1, '-1', 'abc', null, undefined, Number.NaN, 1e21, {}]) {
      expect(parseDollars(bad)).toBeUndefined();
    }
  });
});
