/** String.fromCharCode, under a short name so that each case below fits one line. */
const char = String.fromCharCode;

/**
 * The latin1 string of a short byte string (one char per byte), made in JS: Buffer#toString
 * calls into C++, which for a key of a dozen bytes costs several times the string itself (about
 * 1,200 instructions against 700 here, hash and lookup included). Longer ones go to toString.
 */
export function latin1String(b: Uint8Array): string {
  switch (b.length) {
    case 0:
      return '';
    case 1:
      return char(b[0]!);
    case 2:
      return char(b[0]!, b[1]!);
    case 3:
      return char(b[0]!, b[1]!, b[2]!);
    case 4:
      return char(b[0]!, b[1]!, b[2]!, b[3]!);
    case 5:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!);
    case 6:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!);
    case 7:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!);
    case 8:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);
    case 9:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!);
    case 10:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!);
    case 11:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!);
    case 12:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!);
    case 13:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!);
    case 14:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!);
    case 15:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!);
    case 16:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!);
    default:
      return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  }
}
