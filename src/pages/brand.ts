// The integrator's brand on the end-customer pages (BRAND_NAME, BRAND_COLOR), and the colours derived from
// the accent so that every text stays readable (WCAG AA, 4.5:1) whatever colour is configured.

export interface Brand {
  /** The integrator's product name, as in "Connect your Google Analytics account to <name>". */
  name: string | null;
  /** `#rrggbb`, lower-case. */
  color: string | null;
}

export const NO_BRAND: Brand = { name: null, color: null };

export const BRAND_COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
export const BRAND_NAME_MAX_LENGTH = 60;

/** The accent when BRAND_COLOR is unset. */
export const DEFAULT_ACCENT = '#1a56db';
/** The page's background around the card: the lightest surface accent text is drawn on is white. */
export const PAGE_BACKGROUND = '#f6f7f9';
/** WCAG 2 AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5;

export interface Palette {
  /** Buttons and the card's top border. */
  accent: string;
  /** Text on the accent: black or white, whichever contrasts more (always at least 4.58:1). */
  onAccent: string;
  /** The accent as text on the page and the card (links, the brand name), darkened until readable. */
  accentText: string;
}

type Rgb = [number, number, number];

function rgbOf(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hexOf(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG 2 relative luminance. */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(rgbOf(a)), luminance(rgbOf(b))].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}

/** The colour darkened in small steps towards black until it reads on `background`. */
function readableOn(color: string, background: string): string {
  const rgb = rgbOf(color);
  for (let keep = 1; keep > 0; keep -= 0.05) {
    const candidate = hexOf(rgb.map((c) => c * keep) as Rgb);
    if (contrastRatio(candidate, background) >= MIN_TEXT_CONTRAST) return candidate;
  }
  return '#000000';
}

export function paletteOf(brand: Brand): Palette {
  const accent = (brand.color ?? DEFAULT_ACCENT).toLowerCase();
  const onAccent =
    contrastRatio(accent, '#ffffff') >= contrastRatio(accent, '#000000') ? '#ffffff' : '#000000';
  return { accent, onAccent, accentText: readableOn(accent, PAGE_BACKGROUND) };
}
