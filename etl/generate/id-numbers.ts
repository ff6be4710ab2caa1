// Unique, valid 18-digit citizen ID numbers (GB 11643) for synthetic persons.
import { idCheckChar } from '../formats/id-number';
import { ymdFromDay } from './calendar';
import type { Rng } from './random';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Hands out ID numbers never used before in this run. */
export class IdAllocator {
  private readonly used = new Set<string>();

  get size(): number {
    return this.used.size;
  }

  /**
   * An ID with the given 6-digit address prefix and birth date; the 3-digit sequence is odd for
   * men (sex 1) and even for women (sex 2), and the last character is the check character.
   */
  allocate(rng: Rng, prefix6: string, birthDay: number, sex: 1 | 2): string {
    const [y, m, d] = ymdFromDay(birthDay);
    const body14 = prefix6 + pad(y, 4) + pad(m, 2) + pad(d, 2);
    for (let attempt = 0; attempt < 2000; attempt++) {
      // sequences 001..999, parity by sex (odd = male)
      const seq = 2 * rng.range(0, 498) + (sex === 1 ? 1 : 2);
      const first17 = body14 + pad(seq, 3);
      if (this.used.has(first17)) continue;
      this.used.add(first17);
      return first17 + idCheckChar(first17);
    }
    throw new Error(`no free ID sequence for ${body14}`);
  }
}
