// Accept-Language → the page language: quality values, regional tags, wildcards, and English otherwise.
import { negotiateLanguage } from '../../src/pages/i18n';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['de', 'de'],
    ['fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7', 'fi'],
    ['de-CH', 'de'],
    ['ES-mx', 'es'],
    ['sv-SE, fr;q=0.8, en;q=0.5', 'fr'],
    ['en;q=0.4, de;q=0.9, fr;q=0.6', 'de'],
    ['fr;q=0.5, es;q=0.5', 'fr'],
    ['ja, zh-CN;q=0.9', 'en'],
    ['de;q=0, fr;q=0.1', 'fr'],
    ['de;q=0', 'en'],
    ['*', 'en'],
    ['fi;q=0.5, *', 'en'],
    ['fi, *;q=0.1', 'fi'],
    ['de;q=2, fr', 'fr'],
    ['de;level=1, es;q=0.1', 'es'],
    ['en-GB;q=0.9, es;q=1.000', 'es'],
    [' fi ; q=0.8 , de ; q=0.7', 'fi'],
  ])('reads %j as %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });

  it('reads only the start of an endless header', () => {
    const header = `${'xx;q=0.9,'.repeat(1000)}fi`;
    expect(negotiateLanguage(header)).toBe('en');
    expect(negotiateLanguage(`de;q=0.3,${header}`)).toBe('de');
  });
});
