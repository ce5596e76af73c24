// dpkg's version ordering (deb-version(7)), which also orders rpm and most upstream versions
// sensibly: `~` sorts before anything (1.0~rc1 < 1.0), letters before other symbols, digit
// runs compare as numbers.

function order(c: string | undefined): number {
  if (c === undefined || /\d/.test(c)) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !/\d/.test(a[i] ?? '')) || (j < b.length && !/\d/.test(b[j] ?? ''))) {
      const diff = order(a[i]) - order(b[j]);
      if (diff !== 0) return diff;
      i++;
      j++;
    }
    let x = '';
    while (i < a.length && /\d/.test(a[i] ?? '')) x += a[i++];
    let y = '';
    while (j < b.length && /\d/.test(b[j] ?? '')) y += b[j++];
    const diff = Number(BigInt(x || '0') - BigInt(y || '0'));
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function parts(version: string): [epoch: number, upstream: string, revision: string] {
  const m = /^(\d+):(.*)$/.exec(version);
  const epoch = m ? Number(m[1]) : 0;
  const rest = m ? (m[2] ?? '') : version;
  const dash = rest.lastIndexOf('-');
  return dash < 0 ? [epoch, rest, ''] : [epoch, rest.slice(0, dash), rest.slice(dash + 1)];
}

/** Negative when `a` is older than `b`, positive when newer, 0 when equal (dpkg ordering). */
export function compareVersions(a: string, b: string): number {
  const [ea, ua, ra] = parts(a);
  const [eb, ub, rb] = parts(b);
  if (ea !== eb) return ea - eb;
  return compareFragment(ua, ub) || compareFragment(ra, rb);
}
