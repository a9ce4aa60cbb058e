/**
 * Writes a non-negative safe integer in decimal into `block` at `pos`, without a string; returns
 * the position after it. The caller makes room (at most 16 bytes). Shared by the RESP reply
 * writer and the append-only file's command framing, both on hot paths.
 */
export function writeDecimal(block: Uint8Array, pos: number, n: number): number {
  let len = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
  let i = pos + len - 1;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    block[i--] = 0x30 + (n - q * 10);
    n = q;
  }
  block[i] = 0x30 + n;
  return pos + len;
}
