import { elapsedMs, errorCode, noAnswer, type ProbeFinding, shortMessage } from './outcome.js';

type DnsSpec = {
  query: string;
  recordType: 'A' | 'AAAA';
  server?: { host: string; port: number } | undefined;
  expect: readonly string[];
  timeoutMs: number;
};

const serverAddress = (server: { host: string; port: number }) =>
  server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;

/** `dns` probe: resolve the name (at `server`, else the system's resolvers) and check the answer. */
export async function probeDns(spec: DnsSpec): Promise<ProbeFinding> {
  // Loaded on the first dns probe: most agents never run one, and the module (with c-ares' binding)
  // would stay resident from start (issue 19).
  const { Resolver } = await import('node:dns/promises');
  const resolver = new Resolver({ timeout: spec.timeoutMs, tries: 1 });
  if (spec.server) resolver.setServers([serverAddress(spec.server)]);
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const lookup = spec.recordType === 'A' ? resolver.resolve4(spec.query) : resolver.resolve6(spec.query);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })),
        spec.timeoutMs,
      );
    });
    const addresses = (await Promise.race([lookup, deadline])).slice(0, 32);
    const latencyMs = elapsedMs(startedAt, performance.now());
    const missing = spec.expect.filter((address) => !addresses.includes(address));
    if (addresses.length === 0 || missing.length > 0)
      return {
        outcome: 'fail',
        method: 'dns',
        latencyMs,
        lossPct: 100,
        addresses,
        error: 'UNEXPECTED_ANSWER',
        message: shortMessage(`${spec.query}: ${missing.join(', ')} missing from the answer`),
      };
    return { outcome: 'ok', method: 'dns', latencyMs, lossPct: 0, addresses };
  } catch (error) {
    resolver.cancel();
    return noAnswer('dns', errorCode(error), `${spec.query}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
