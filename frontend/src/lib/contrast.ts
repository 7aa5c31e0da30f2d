// Colours that meet WCAG AA (4.5:1 for normal text) on the backgrounds Mantine puts them on.
// Mantine's defaults do not: white on a filled indigo-6 button is 4.3:1, teal-9 on a light
// teal-1 badge 3.9:1. Each colour's variables are darkened, in steps, until they do.

/** WCAG's minimum for normal text, with a margin for anti-aliasing and rounding. */
export const MIN_CONTRAST = 4.6;

function channels(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m?.[1]) throw new Error(`not a #rrggbb colour: ${hex}`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `hex` moved `amount` (0..1) of the way to black. */
export function darken(hex: string, amount: number): string {
  return toHex(channels(hex).map((v) => v * (1 - amount)) as [number, number, number]);
}

/** `hex` darkened in 5% steps until it reads on every background (black at worst). */
export function readableOn(hex: string, backgrounds: readonly string[], min = MIN_CONTRAST): string {
  for (let step = 0; step <= 20; step++) {
    const c = darken(hex, step * 0.05);
    if (backgrounds.every((bg) => contrastRatio(c, bg) >= min)) return c;
  }
  return '#000000';
}

/** Where text sits: cards (white), the page (gray-0), and a light-tinted table row (a colour's 0). */
const SURFACES = ['#ffffff', '#f8f9fa'];

/**
 * The light scheme's variables for one palette colour (ten shades, Mantine's order): filled
 * backgrounds white text reads on, light badges' text on their shade-1 background, and text
 * and outlines on white, the page's gray and the colour's own lightest tint.
 */
export function accessibleColorVariables(name: string, shades: readonly string[], primaryShade = 6): Record<string, string> {
  const at = (i: number) => shades[i] ?? shades[shades.length - 1] ?? '#000000';
  const filled = readableOn(at(primaryShade), ['#ffffff']);
  const text = readableOn(at(Math.max(primaryShade, 7)), [...SURFACES, at(0)]);
  return {
    [`--mantine-color-${name}-filled`]: filled,
    [`--mantine-color-${name}-filled-hover`]: darken(filled, 0.12),
    [`--mantine-color-${name}-light-color`]: readableOn(at(9), [at(1), at(2)]),
    [`--mantine-color-${name}-text`]: text,
    [`--mantine-color-${name}-outline`]: text,
  };
}

/** Every colour's variables, and the anchor and error colours derived from them. */
export function accessibleThemeVariables(colors: Record<string, readonly string[]>, primaryColor: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, shades] of Object.entries(colors)) {
    if (name === 'dark') continue;
    Object.assign(out, accessibleColorVariables(name, shades));
  }
  out['--mantine-color-anchor'] = out[`--mantine-color-${primaryColor}-text`] ?? 'var(--mantine-color-anchor)';
  out['--mantine-color-error'] = out['--mantine-color-red-text'] ?? 'var(--mantine-color-red-9)';
  // Placeholders (gray 5) and dimmed text (gray 6) are below AA on white: a darkened gray 6
  // still reads as a hint, gray 7 for dimmed text.
  const gray = colors.gray?.[6];
  if (gray) out['--mantine-color-placeholder'] = readableOn(gray, ['#ffffff', '#f8f9fa']);
  out['--mantine-color-dimmed'] = 'var(--mantine-color-gray-7)';
  return out;
}
