// The five catalogues of end-customer texts: complete, all translated, names placed where they belong,
// and no template glitches (an "undefined", a doubled space, a plain space before punctuation: French
// puts a non-breaking one before a colon).
import { CATALOGUES, LANGUAGES, PAGE_FAILURE_CODES, type Catalogue } from '../../src/pages/i18n';

const DS = 'Google Analytics';
const BRAND = 'Acme Reports';

/** Every text of a catalogue by its path, functions called with names and with none. */
function textsOf(catalogue: Catalogue): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') texts.set(path, value);
    else if (typeof value === 'function') {
      const fn = value as (...args: (string | null)[]) => string;
      texts.set(
        `${path}(names)`,
        fn(
          ...Array(fn.length)
            .fill(DS)
            .map((v, i) => (i === 1 ? BRAND : v)),
        ),
      );
      texts.set(`${path}(none)`, fn(...Array(fn.length).fill(null)));
    } else if (value && typeof value === 'object')
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
  };
  walk(catalogue, '');
  texts.delete('lang');
  return texts;
}

describe('page catalogues', () => {
  it('has English, German, French, Spanish and Finnish, each naming itself', () => {
    expect([...LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fi', 'fr']);
    for (const lang of LANGUAGES) expect(CATALOGUES[lang].lang).toBe(lang);
  });

  it.each(LANGUAGES)('%s has advice for every failure code a page can show', (lang) => {
    const advice = CATALOGUES[lang].failure.advice;
    expect(Object.keys(advice).sort()).toEqual([...PAGE_FAILURE_CODES].sort());
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s translates every English text', (lang) => {
    const english = textsOf(CATALOGUES.en);
    const translated = textsOf(CATALOGUES[lang]);
    expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [path, text] of translated) {
      // Names stay as they are; everything around them is translated.
      if (text === english.get(path))
        throw new Error(`${lang} ${path} is still English: "${text}"`);
    }
  });

  it.each(LANGUAGES)('%s has no template glitch in any text', (lang) => {
    for (const [path, text] of textsOf(CATALOGUES[lang])) {
      const where = `${lang} ${path}: "${text}"`;
      expect([where, text.trim().length > 0]).toEqual([where, true]);
      expect([
        where,
        /\bundefined\b|\bnull\b|\$\{|\{\w+\}|\s{2}| [.,:;!?]|^\s|\s$/.test(text),
      ]).toEqual([where, false]);
    }
  });

  it.each(LANGUAGES)(
    '%s names the data source and the brand where the page is about them',
    (lang) => {
      const t = CATALOGUES[lang];
      for (const heading of [t.start.heading(DS, BRAND), t.success.heading(DS, BRAND)]) {
        expect(heading).toContain(DS);
        expect(heading).toContain(BRAND);
      }
      for (const text of [t.start.heading(DS, null), t.success.heading(DS, null)]) {
        expect(text).toContain(DS);
        expect(text).not.toContain(BRAND);
      }
      for (const text of [t.start.next(DS), t.waiting.body(DS), t.processing.body(DS)])
        expect(text).toContain(DS);
      for (const text of [t.success.body(BRAND), t.processing.close(BRAND)])
        expect(text).toContain(BRAND);
    },
  );

  it('uses no internal jargon: no Supermetrics, upstream, state, verifier, token or webhook', () => {
    for (const lang of LANGUAGES)
      for (const [path, text] of textsOf(CATALOGUES[lang]))
        expect([
          `${lang} ${path}`,
          /supermetrics|upstream|state|verifier|token|webhook|reconcil/i.test(text),
        ]).toEqual([`${lang} ${path}`, false]);
  });
});
