import { describe, expect, it } from 'vitest';
import {
  applyReplacements,
  characterCount,
  codePoints,
  fragmentCapacity,
  markCharacters,
  replaceableCount,
} from './preview';

describe('fragmentCapacity', () => {
  it('matches the contract for one fragment', () => {
    expect(fragmentCapacity('GSM7', 1, 6)).toBe(160);
    expect(fragmentCapacity('UCS2', 1, 6)).toBe(70);
    expect(fragmentCapacity('LATIN1', 1, 6)).toBe(140);
    expect(fragmentCapacity('KSC5601', 1, 6)).toBe(70);
  });
  it('reserves the header in concatenated messages', () => {
    expect(fragmentCapacity('GSM7', 2, 6)).toBe(153);
    expect(fragmentCapacity('UCS2', 3, 6)).toBe(67);
    expect(fragmentCapacity('LATIN1', 2, 6)).toBe(134);
    expect(fragmentCapacity('GSM7', 2, 7)).toBe(152);
    expect(fragmentCapacity('UCS2', 2, 7)).toBe(66);
    expect(fragmentCapacity('LATIN1', 2, 7)).toBe(133);
  });
});

describe('markCharacters', () => {
  it('flags the characters that force UCS-2 and keeps the rest in runs', () => {
    expect(markCharacters('Hi “you” 😀!', ['“', '”', '😀'])).toEqual([
      { text: 'Hi ', flagged: false },
      { text: '“', flagged: true },
      { text: 'you', flagged: false },
      { text: '”', flagged: true },
      { text: ' ', flagged: false },
      { text: '😀', flagged: true },
      { text: '!', flagged: false },
    ]);
  });
  it('never splits an emoji sequence, flagging it whole', () => {
    const family = '👨‍👩‍👧';
    const segs = markCharacters(`a${family}b`, ['👨']);
    expect(segs[1]).toEqual({ text: family, flagged: true });
    expect(segs.map((s) => s.text).join('')).toBe(`a${family}b`);
  });
  it('makes line breaks visible', () => {
    expect(markCharacters('a\nb', [])).toEqual([
      { text: 'a', flagged: false },
      { text: '\n', flagged: false, visible: '↵' },
      { text: 'b', flagged: false },
    ]);
  });
});

describe('applyReplacements', () => {
  const chars = [
    { character: '“', replacement: '"' },
    { character: '”', replacement: '"' },
    { character: '😀', replacement: null },
    { character: '\u200b', replacement: '' },
  ];
  it('replaces what has a replacement, drops what may be dropped, keeps the rest', () => {
    expect(applyReplacements('“Hi”\u200b 😀', chars)).toBe('"Hi" 😀');
    expect(replaceableCount(chars)).toBe(3);
  });
  it('leaves a text without suggestions alone', () => {
    expect(applyReplacements('😀', [{ character: '😀', replacement: null }])).toBe('😀');
  });
});

describe('counting', () => {
  it('counts graphemes and names code points', () => {
    expect(characterCount('a😀👨‍👩‍👧')).toBe(3);
    expect(codePoints('😀')).toBe('U+1F600');
    expect(codePoints('é')).toBe('U+00E9');
  });
});
