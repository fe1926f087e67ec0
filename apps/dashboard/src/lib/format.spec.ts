import { formatCount, formatDay, formatMoney, formatPercent } from './format';

describe('formatMoney', () => {
  it.each([
    // fen, en, zh-CN
    [6_300_000_000_000, '¥63.00 bn', '630.00 亿元'],
    [10_000_000_000_000, '¥100.00 bn', '1,000.00 亿元'],
    [172_600_000_000, '¥1.73 bn', '17.26 亿元'],
    [1_234_567_800, '¥12.35 m', '1,234.57 万元'],
    [1_234_500, '¥12,345', '1.23 万元'],
    [999_900, '¥9,999', '9,999 元'],
    [0, '¥0', '0 元'],
  ])('shows %i fen as %s in English and %s in Chinese', (fen, en, zh) => {
    expect(formatMoney(fen, 'en')).toBe(en);
    expect(formatMoney(fen, 'zh-CN')).toBe(zh);
  });
});

describe('formatCount', () => {
  it.each([
    [1234, '1,234', '1,234'],
    [56_780, '56,780', '5.68万'],
    [12_345_678, '12.35 m', '1,234.57万'],
    [3_210_000_000, '3.21 bn', '32.10亿'],
  ])('shows %i as %s in English and %s in Chinese', (n, en, zh) => {
    expect(formatCount(n, 'en')).toBe(en);
    expect(formatCount(n, 'zh-CN')).toBe(zh);
  });
});

describe('formatDay', () => {
  it('writes the China calendar day in the reader’s order without shifting it', () => {
    expect(formatDay('2020-12-31', 'en')).toBe('Dec 31, 2020');
    expect(formatDay('2020-12-31', 'zh-CN')).toBe('2020年12月31日');
  });
});

describe('formatPercent', () => {
  it('shows a ratio as a percentage with one decimal', () => {
    expect(formatPercent(0.587, 'en')).toBe('58.7%');
    expect(formatPercent(0.8123, 'zh-CN')).toBe('81.2%');
  });
});
