import { DEFAULT_THEME } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { accessibleThemeVariables, contrastRatio, darken, MIN_CONTRAST, readableOn } from './contrast';

describe('contrastRatio', () => {
  it('follows WCAG: black on white is 21, a colour on itself 1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#4c6ef5', '#4c6ef5')).toBe(1);
    // Mantine's indigo-6 under white text: the failing primary button.
    expect(contrastRatio('#ffffff', '#4c6ef5')).toBeLessThan(4.5);
  });
  it('darkens towards black and stops at the first readable step', () => {
    expect(darken('#ffffff', 0.5)).toBe('#808080');
    expect(readableOn('#000000', ['#ffffff'])).toBe('#000000');
    const c = readableOn('#12b886', ['#ffffff']);
    expect(contrastRatio(c, '#ffffff')).toBeGreaterThanOrEqual(MIN_CONTRAST);
    expect(contrastRatio(darken('#12b886', 0), '#ffffff')).toBeLessThan(MIN_CONTRAST);
  });
});

describe('accessibleThemeVariables', () => {
  const vars = accessibleThemeVariables(DEFAULT_THEME.colors, 'indigo');
  const colors = Object.keys(DEFAULT_THEME.colors).filter((c) => c !== 'dark');
  it('gives every filled colour a background white text reads on', () => {
    for (const c of colors) expect(contrastRatio('#ffffff', vars[`--mantine-color-${c}-filled`]!), c).toBeGreaterThanOrEqual(4.5);
  });
  it('gives light badges text that reads on their tint, and text that reads on white, the page and a tinted row', () => {
    for (const c of colors) {
      const shades = DEFAULT_THEME.colors[c]!;
      expect(contrastRatio(vars[`--mantine-color-${c}-light-color`]!, shades[1]!), c).toBeGreaterThanOrEqual(4.5);
      for (const bg of ['#ffffff', '#f8f9fa', shades[0]!]) {
        expect(contrastRatio(vars[`--mantine-color-${c}-text`]!, bg), `${c} on ${bg}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
  it('keeps colours that already read as they are, and derives links and errors', () => {
    expect(vars['--mantine-color-violet-filled']).toBe(DEFAULT_THEME.colors.violet[6]);
    expect(vars['--mantine-color-anchor']).toBe(vars['--mantine-color-indigo-text']);
    expect(vars['--mantine-color-error']).toBe(vars['--mantine-color-red-text']);
    expect(contrastRatio(vars['--mantine-color-placeholder']!, '#f8f9fa')).toBeGreaterThanOrEqual(4.5);
    expect(vars['--mantine-color-dimmed']).toBe('var(--mantine-color-gray-7)');
  });
});
