// parseGitDate: every documented form, and the garbage git itself would silently accept.

import { describe, expect, it } from 'vitest';
import { parseGitDate } from './parse-date.js';

const NOW = new Date('2024-03-31T15:30:00Z');
const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('parseGitDate', () => {
  it.each([
    ['2024-01-01', '2024-01-01T00:00:00Z'],
    ['  2024-01-01  ', '2024-01-01T00:00:00Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
    ['2024-01-01T12:00:00Z', '2024-01-01T12:00:00Z'],
    ['2024-01-01T12:00:00+02:00', '2024-01-01T10:00:00Z'],
    ['2024-01-01T12:00:00.123-0530', '2024-01-01T17:30:00Z'],
    ['2024-01-01T12:00+09', '2024-01-01T03:00:00Z'],
    ['2024-01-01 12:00:00 +0100', '2024-01-01T11:00:00Z'],
    ['2024-01-01T12:00', '2024-01-01T12:00:00Z'],
    ['2 weeks ago', '2024-03-17T15:30:00Z'],
    ['2.weeks.ago', '2024-03-17T15:30:00Z'],
    ['1 week ago', '2024-03-24T15:30:00Z'],
    ['5 HOURS AGO', '2024-03-31T10:30:00Z'],
    ['30 minutes ago', '2024-03-31T15:00:00Z'],
    ['10 seconds ago', '2024-03-31T15:29:50Z'],
    ['1 day ago', '2024-03-30T15:30:00Z'],
    ['3 months ago', '2023-12-31T15:30:00Z'],
    // The 31st has no February counterpart: the last day of the month, not March 2nd.
    ['1 month ago', '2024-02-29T15:30:00Z'],
    ['13 months ago', '2023-02-28T15:30:00Z'],
    ['1 year ago', '2023-03-31T15:30:00Z'],
    ['yesterday', '2024-03-30T15:30:00Z'],
    ['today', '2024-03-31T15:30:00Z'],
    ['now', '2024-03-31T15:30:00Z'],
    ['@1700000000', '2023-11-14T22:13:20Z'],
  ])('%j is %s', (text, expected) => {
    expect(parseGitDate(text, NOW)).toBe(seconds(expected));
  });

  it('reads years below 100 literally', () => {
    expect(parseGitDate('0050-01-01', NOW)).toBe(seconds('0050-01-01T00:00:00Z'));
  });

  it.each([
    'foo bar',
    '2024-13-45',
    '2024-02-30',
    '2023-02-29',
    '2024-00-10',
    '2024-01-01T24:00',
    '2024-01-01T12:60',
    '2024-01-01T12:00:00+25:00',
    '2024-1-1',
    '01/02/2024',
    'two weeks ago',
    '2 fortnights ago',
    '2 weeks',
    '2weeks ago',
    'ago',
    'next tuesday',
    'last week',
    '',
    '   ',
    '@',
    '@abc',
    '-1 days ago',
    '900000 years ago',
    'HEAD~2',
  ])('rejects %j', (text) => {
    expect(parseGitDate(text, NOW)).toBeUndefined();
  });
});
