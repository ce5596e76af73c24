import { isIP } from 'node:net';
import { z } from 'zod';

/** What a probe does to its target; `ping` falls back to a TCP connect where ICMP is not allowed. */
export const PROBE_KINDS = ['ping', 'tcp', 'http', 'tls', 'dns'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** Capability an agent announces in `hello` when it can run probes; only then is it sent `probes`. */
export const PROBES_CAPABILITY = 'probes';

/** At most this many probes per agent (one `probes` message stays far under the frame limit). */
export const MAX_PROBES_PER_AGENT = 256;

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** True for a DNS name (RFC 1123 labels); never starts with `-`, so it cannot pass as a CLI option. */
export function isHostname(value: string): boolean {
  return HOSTNAME.test(value) && isIP(value) === 0;
}

/** An IP literal (v4 or v6, no brackets) or a host name. */
export const probeHost = z
  .string()
  .min(1)
  .max(253)
  .refine((value) => isIP(value) !== 0 || isHostname(value), 'not an IP address nor a host name');
export const probePort = z.number().int().min(1).max(65_535);
export const probeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

const common = {
  id: probeId,
  /** Seconds between two runs. */
  intervalSec: z.number().int().min(1).max(86_400),
  /** One attempt gives up after this long (a ping's whole run, an HTTP request with its body). */
  timeoutMs: z.number().int().min(50).max(60_000),
};

const httpUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return (
      url !== undefined &&
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === '' &&
      probeHost.safeParse(urlHost(url)).success
    );
  }, 'not an http(s) URL to an IP address or host name, without credentials');

/** The host an URL points at, IPv6 brackets removed. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** One probe as the agent runs it. Defaults are filled by the hub; the agent receives every field. */
export const probeSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ping'),
    ...common,
    host: probeHost,
    /** Echo requests per run; loss is the share unanswered. */
    count: z.number().int().min(1).max(10).default(3),
    /** Port for the TCP connect used instead of ICMP: an answer (accept or refusal) means up. */
    fallbackPort: probePort.default(443),
  }),
  z.object({ kind: z.literal('tcp'), ...common, host: probeHost, port: probePort }),
  z.object({
    kind: z.literal('http'),
    ...common,
    url: httpUrl,
    /** Accepted statuses; empty means 200–399. Redirects are not followed. */
    expectStatus: z.array(z.number().int().min(100).max(599)).max(32).default([]),
    /** A substring the body must contain (first 64 KiB read). */
    bodyMatch: z.string().min(1).max(256).optional(),
    /** Verify the server's certificate chain and name (https). */
    tlsVerify: z.boolean().default(true),
  }),
  z.object({
    kind: z.literal('tls'),
    ...common,
    host: probeHost,
    port: probePort.default(443),
    /** SNI name when `host` is an address. */
    servername: z.string().refine(isHostname, 'not a host name').optional(),
  }),
  z.object({
    kind: z.literal('dns'),
    ...common,
    /** The name to resolve (not `name`: that is the probe's own name in the API's body). */
    query: z.string().refine(isHostname, 'not a host name'),
    recordType: z.enum(['A', 'AAAA']).default('A'),
    /** Ask this server (an address) instead of the system's resolvers. */
    server: z
      .object({
        host: z.string().refine((v) => isIP(v) !== 0, 'not an IP address'),
        port: probePort.default(53),
      })
      .optional(),
    /** Addresses the answer must include (all of them); none means any answer is fine. */
    expect: z
      .array(z.string().refine((v) => isIP(v) !== 0, 'not an IP address'))
      .max(32)
      .default([]),
  }),
]);
export type ProbeSpec = z.infer<typeof probeSpecSchema>;
/** A probe spec as written by an admin, before defaults. */
export type ProbeSpecInput = z.input<typeof probeSpecSchema>;
