import { describe, expect, it } from 'vitest';
import { knownTimeZone } from './decide-request';

describe('knownTimeZone (isTimeZone remembered per name)', () => {
  it('answers as isTimeZone does, the first time and from memory', () => {
    for (let round = 0; round < 2; round++) {
      expect(knownTimeZone('Europe/Paris')).toBe(true);
      expect(knownTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
      expect(knownTimeZone('Mars/Olympus_Mons')).toBe(false);
      expect(knownTimeZone('')).toBe(false);
    }
  });

  it('still checks names past the cap', () => {
    for (let i = 0; i < 1_100; i++) knownTimeZone(`Made/Up_${i}`);
    expect(knownTimeZone('Asia/Tokyo')).toBe(true);
    expect(knownTimeZone('Not/A_Zone')).toBe(false);
  });
});
