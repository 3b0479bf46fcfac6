// The brand's colours: whatever BRAND_COLOR is, button text and accent-coloured text stay readable (4.5:1).
import {
  contrastRatio,
  DEFAULT_ACCENT,
  MIN_TEXT_CONTRAST,
  PAGE_BACKGROUND,
  paletteOf,
} from '../../src/pages/brand';

/** Every colour of a 16-step grid over the RGB cube (4096 colours), plus the extremes. */
function colourGrid(): string[] {
  const steps = Array.from({ length: 16 }, (_, i) => Math.min(255, i * 17));
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const colours = ['#000000', '#ffffff', '#777777', '#ffff00', '#00ffff'];
  for (const r of steps)
    for (const g of steps) for (const b of steps) colours.push(`#${hex(r)}${hex(g)}${hex(b)}`);
  return colours;
}

describe('brand colours', () => {
  it('measures contrast as WCAG 2 does', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('uses the default accent when no colour is set', () => {
    expect(paletteOf({ name: null, color: null }).accent).toBe(DEFAULT_ACCENT);
  });

  it('keeps a readable colour as it is', () => {
    expect(paletteOf({ name: null, color: '#0B5394' })).toEqual({
      accent: '#0b5394',
      onAccent: '#ffffff',
      accentText: '#0b5394',
    });
  });

  it('puts black text on a light accent and darkens it where it is used as text', () => {
    const palette = paletteOf({ name: null, color: '#ffcc00' });
    expect(palette.accent).toBe('#ffcc00');
    expect(palette.onAccent).toBe('#000000');
    expect(palette.accentText).not.toBe('#ffcc00');
  });

  it('keeps every text readable for any colour', () => {
    for (const color of colourGrid()) {
      const { accent, onAccent, accentText } = paletteOf({ name: null, color });
      const ratios = {
        color,
        onAccent: contrastRatio(onAccent, accent) >= MIN_TEXT_CONTRAST,
        onBackground: contrastRatio(accentText, PAGE_BACKGROUND) >= MIN_TEXT_CONTRAST,
        onCard: contrastRatio(accentText, '#ffffff') >= MIN_TEXT_CONTRAST,
      };
      expect(ratios).toEqual({ color, onAccent: true, onBackground: true, onCard: true });
    }
  });
});
