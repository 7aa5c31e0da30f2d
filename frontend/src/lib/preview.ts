// Helpers for the message preview: how full each fragment is, which characters of a text force
// UCS-2, and the text with the suggested GSM replacements applied.

import type { Encoding } from '../../generated/gql/graphql';

/**
 * Units a fragment can hold: a single-fragment message has the whole 140 octets; a longer one
 * loses `udhOctets` of each fragment to the concatenation header (septets for GSM 7-bit:
 * 160 → 153 with 6 octets, 152 with 7).
 */
export function fragmentCapacity(encoding: Encoding, fragmentCount: number, udhOctets: number): number {
  const octets = fragmentCount > 1 ? 140 - udhOctets : 140;
  switch (encoding) {
    case 'GSM7':
      return Math.floor((octets * 8) / 7);
    case 'LATIN1':
      return octets;
    case 'UCS2':
    case 'KSC5601':
      return Math.floor(octets / 2);
  }
}

export const UNIT_NAMES: Record<Encoding, string> = {
  GSM7: 'septets',
  UCS2: 'UTF-16 units',
  LATIN1: 'octets',
  KSC5601: 'characters',
};

export const ENCODING_LABELS: Record<Encoding, string> = {
  GSM7: 'GSM-7',
  UCS2: 'UCS-2',
  LATIN1: 'Latin-1',
  KSC5601: 'KSC5601',
};

export interface Segment {
  text: string;
  /** True when this piece is one of the characters that force UCS-2. */
  flagged: boolean;
  /** Control and blank characters that would be invisible, shown by a symbol. */
  visible?: string;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const INVISIBLE: Record<string, string> = { '\n': '↵', '\r': '␍', '\t': '⇥', '\f': '␌', '\u00a0': '⍽' };

/**
 * Splits a text into runs of ordinary characters and single flagged graphemes, so a fragment
 * can be shown with its UCS-2 characters marked. A grapheme is flagged when it is one of the
 * `characters` or contains one (an emoji with a skin-tone modifier, say).
 */
export function markCharacters(text: string, characters: readonly string[]): Segment[] {
  const flaggedSet = new Set(characters);
  const codePoints = new Set(characters.flatMap((c) => Array.from(c)));
  const out: Segment[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ text: plain, flagged: false });
    plain = '';
  };
  for (const { segment } of segmenter.segment(text)) {
    const flagged = flaggedSet.has(segment) || Array.from(segment).some((c) => codePoints.has(c));
    const visible = INVISIBLE[segment];
    if (flagged || visible) {
      flush();
      out.push(visible ? { text: segment, flagged, visible } : { text: segment, flagged });
    } else {
      plain += segment;
    }
  }
  flush();
  return out;
}

/** The text with every character that has a suggested replacement replaced by it. */
export function applyReplacements(
  text: string,
  characters: readonly { character: string; replacement?: string | null }[],
): string {
  const map = new Map<string, string>();
  for (const { character, replacement } of characters) {
    if (replacement !== null && replacement !== undefined) map.set(character, replacement);
  }
  if (map.size === 0) return text;
  let out = '';
  for (const { segment } of segmenter.segment(text)) {
    const whole = map.get(segment);
    if (whole !== undefined) {
      out += whole;
      continue;
    }
    out += Array.from(segment)
      .map((c) => map.get(c) ?? c)
      .join('');
  }
  return out;
}

/** How many characters of `characters` have a replacement. */
export function replaceableCount(
  characters: readonly { replacement?: string | null }[],
): number {
  return characters.filter((c) => c.replacement !== null && c.replacement !== undefined).length;
}

/** "U+1F600" for each code point of a character. */
export function codePoints(character: string): string {
  return Array.from(character)
    .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
    .join(' ');
}

/** Characters as a person counts them (graphemes), not UTF-16 units. */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}
