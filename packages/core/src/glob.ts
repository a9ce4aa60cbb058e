/** Redis-style glob matching (`*`, `?`, `[a-z]`, `[^a]`, `\x`) over latin1 strings. */
export function globMatch(pattern: string, text: string): boolean {
  return matchAt(pattern, 0, text, 0);
}

function matchAt(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchAt(p, pi + 1, s, k)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      let i = pi + 1;
      const negate = p[i] === '^';
      if (negate) i++;
      let matched = false;
      while (i < p.length && p[i] !== ']') {
        if (p[i] === '\\' && i + 1 < p.length) {
          i++;
          if (p[i] === s[si]) matched = true;
        } else if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
          let lo = p.charCodeAt(i);
          let hi = p.charCodeAt(i + 2);
          if (lo > hi) [lo, hi] = [hi, lo];
          const code = s.charCodeAt(si);
          if (code >= lo && code <= hi) matched = true;
          i += 2;
        } else if (p[i] === s[si]) matched = true;
        i++;
      }
      if (matched === negate) return false;
      pi = i + 1;
      si++;
      continue;
    }
    if (c === '\\' && pi + 1 < p.length) pi++;
    if (p[pi] !== s[si]) return false;
    pi++;
    si++;
  }
  return si === s.length;
}
