import { describe, expect, it } from 'vitest';
import { csvField } from './issues.js';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "no"')).toBe('"say ""no"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
  });
  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@cmd')).toBe("'@cmd");
  });
  it('keeps Arabic and Russian text as it is', () => {
    expect(csvField('المعتقلون')).toBe('المعتقلون');
    expect(csvField('Задержанные')).toBe('Задержанные');
  });
});
