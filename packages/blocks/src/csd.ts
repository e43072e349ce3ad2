/** Canonical signed digits (pure): n = sum sign_i * 2^shift_i with no two adjacent nonzero digits (fewest adders). */
export function csdDigits(n: number): Array<{ shift: number; sign: 1 | -1 }> {
  if (!Number.isSafeInteger(n)) throw new RangeError(`csd of ${n}`);
  const digits: Array<{ shift: number; sign: 1 | -1 }> = [];
  let x = n;
  let shift = 0;
  while (x !== 0) {
    if (x % 2 !== 0) {
      // Choose the digit so that the rest is divisible by 4 (the NAF rule).
      const d = ((x % 4) + 4) % 4 === 1 ? 1 : -1;
      digits.push({ shift, sign: d });
      x -= d;
    }
    x /= 2;
    shift++;
  }
  return digits;
}
