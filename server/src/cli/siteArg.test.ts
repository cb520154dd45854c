import { describe, expect, it } from 'vitest';
import { siteArg } from './siteArg.js';

describe('a site named in each UI language on the command line', () => {
  it('takes English|Arabic|Russian, the first as the one name', () => {
    expect(siteArg('Daraa|درعا|Дараа')).toEqual({ name: 'Daraa', names: { en: 'Daraa', ar: 'درعا', ru: 'Дараа' } });
  });
  it('keeps a plain name as it is', () => {
    expect(siteArg('Homs')).toEqual({ name: 'Homs' });
  });
  it('leaves out a language left empty', () => {
    expect(siteArg('Homs||Хомс')).toEqual({ name: 'Homs', names: { en: 'Homs', ru: 'Хомс' } });
    expect(siteArg('|حمص|')).toEqual({ name: 'حمص', names: { ar: 'حمص' } });
  });
});
