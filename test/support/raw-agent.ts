import { type EnrolResponse, HELLO_NONCE_HEADER, PROTOCOL_VERSION } from '@vigie/shared';
import WebSocket from 'ws';

/** A hand-driven agent socket: send any frame, read what the hub sent, wait for the close code. */
export interface RawAgent {
  readonly ws: WebSocket;
  readonly received: Array<Record<string, unknown>>;
  /** The hello nonce the hub offered in its upgrade response (0025), if any. */
  readonly nonce: string | undefined;
  send(frame: unknown): void;
  /** Close code the hub chose (1006 if the socket died without one); rejects after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<number>;
  /** The first message of `type`, waiting up to `timeoutMs`. */
  next(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Open a socket to the hub's agent endpoint (`http(s)://…` base URL) and wait until it is open. */
export async function openRawAgent(hubUrl: string): Promise<RawAgent> {
  const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/api/v1/agent/ws`, { perMessageDeflate: false });
  const received: Array<Record<string, unknown>> = [];
  let closeCode: number | undefined;
  let nonce: string | undefined;
  ws.once('upgrade', (response) => {
    const offered = response.headers[HELLO_NONCE_HEADER];
    if (typeof offered === 'string') nonce = offered;
  });
  ws.on('message', (data) => {
    try {
      received.push(JSON.parse(String(data)) as Record<string, unknown>);
    } catch {
      received.push({ type: '(not json)' });
    }
  });
  // A refused socket may error before 'close'; the close code is what the tests read.
  ws.on('error', () => {});
  ws.on('close', (code) => {
    closeCode = code;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`closed with ${code} before open`)));
  });
  const waitFor = async <T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return {
    ws,
    received,
    nonce,
    send(frame) {
      if (ws.readyState === WebSocket.OPEN)
        ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    closed: (timeoutMs = 5_000) => waitFor(() => closeCode, 'close', timeoutMs),
    next: (type, timeoutMs = 5_000) =>
      waitFor(() => received.find((m) => m.type === type), `a ${type} message`, timeoutMs),
  };
}

/** A valid hello for an enrolled agent; override any field to forge one. */
export function helloFor(
  credential: Pick<EnrolResponse, 'agentId' | 'secret'>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    bootId: 'boot_raw_00001',
    credential: { agentId: credential.agentId, secret: credential.secret },
    fingerprint: 'd1d2d3d4d5d6d7d8d9d0e1e2e3e4e5e6',
    agentVersion: '0.1.0-e2e',
    hostname: 'srv-id-01',
    os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
    ...overrides,
  };
}
