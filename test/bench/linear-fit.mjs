// Least squares for the bench's fits (memory per agent, the hub's fixed cost under load).

/** Ordinary least squares over [x, y] pairs. */
export function linearFit(pairs) {
  const n = pairs.length;
  const mx = pairs.reduce((s, [x]) => s + x, 0) / n;
  const my = pairs.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = pairs.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = pairs.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const syy = pairs.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}
