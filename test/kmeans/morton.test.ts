/** src/kmeans/morton.ts: a colour's Morton key gives the colour back. */
import { describe, expect, it } from 'vitest';
import { colourOfKey, mortonKeyOfPacked } from '../../src/kmeans/morton.js';

describe('Morton keys', () => {
  it('a Morton key gives its colour back', () => {
    let wrong = 0;
    for (let c = 0; c < 1 << 24; c += 97) if (colourOfKey(mortonKeyOfPacked(c)) !== c) wrong++;
    expect(wrong).toBe(0);
    for (const c of [0, 0xffffff, 0x0000ff, 0x00ff00, 0xff0000, 0x808080, 0x7f7f7f]) expect(colourOfKey(mortonKeyOfPacked(c | 0xff000000))).toBe(c);
  });
});
