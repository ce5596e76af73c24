import { execFile } from 'node:child_process';
import { noAnswer, type ProbeFinding } from './outcome.js';
import { tcpConnect } from './tcp.js';

/** What a `ping` run printed, read from its summary lines. */
export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  /** Average round trip, null when nothing came back. */
  readonly avgMs: number | null;
}

/**
 * Read the summary of iputils/BusyBox/BSD `ping` ("3 packets transmitted, 2 received" and
 * "min/avg/max… = 0.1/0.2/0.3") or Windows' ("Sent = 4, Received = 4", "Average = 1ms").
 */
export function parsePingOutput(text: string): PingSummary | undefined {
  const unix = /(\d+)\s+packets? transmitted,\s+(\d+)\s+(?:packets? )?received/i.exec(text);
  if (unix) {
    const rtt = /=\s*[\d.]+\/([\d.]+)\/[\d.]+/.exec(text);
    const received = Number(unix[2]);
    return {
      transmitted: Number(unix[1]),
      received,
      avgMs: received > 0 && rtt ? Number(rtt[1]) : null,
    };
  }
  const windows = /Sent\s*=\s*(\d+),\s*Received\s*=\s*(\d+)/i.exec(text);
  if (windows) {
    const avg = /Average\s*=\s*(\d+)\s*ms/i.exec(text);
    const received = Number(windows[2]);
    return {
      transmitted: Number(windows[1]),
      received,
      avgMs: received > 0 && avg ? Number(avg[1]) : null,
    };
  }
  return undefined;
}

/** Arguments for `count` echoes to `host` within `timeoutMs` on this platform. */
export function pingArgs(
  platform: NodeJS.Platform,
  host: string,
  count: number,
  timeoutMs: number,
): string[] {
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  if (platform === 'win32') return ['-n', String(count), '-w', String(timeoutMs), host];
  // -n numeric, -i 0.2 the fastest interval an unprivileged user may ask for, -w whole-run deadline.
  if (platform === 'darwin' || platform.endsWith('bsd'))
    return ['-n', '-c', String(count), '-i', '0.2', '-t', seconds, host];
  return ['-n', '-c', String(count), '-i', '0.2', '-w', seconds, host];
}

/** Runs the ping command; resolves with its output whatever the exit code (loss exits 1). */
export type PingCommand = (args: string[], timeoutMs: number) => Promise<{ ok: boolean; output: string }>;

/** `ping` from the PATH (or `command`), without a shell: the host is validated, never interpreted. */
export function systemPing(command = 'ping'): PingCommand {
  return (args, timeoutMs) =>
    new Promise((resolve) => {
      execFile(command, args, { timeout: timeoutMs + 2000, windowsHide: true }, (error, stdout, stderr) => {
        resolve({ ok: error === null, output: `${stdout}\n${stderr}` });
      });
    });
}

/**
 * Whether this agent may send ICMP echoes: `ping` exists and can reach loopback (it needs a setuid
 * bit, a capability or `net.ipv4.ping_group_range`). Asked once; the answer does not change.
 */
export function icmpAllowed(
  ping: PingCommand,
  platform: NodeJS.Platform = process.platform,
): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () => {
    answer ??= ping(pingArgs(platform, '127.0.0.1', 1, 1000), 1000).then(
      ({ output }) => (parsePingOutput(output)?.received ?? 0) > 0,
      () => false,
    );
    return answer;
  };
}

export interface PingDeps {
  readonly icmp: () => Promise<boolean>;
  readonly ping: PingCommand;
  readonly platform?: NodeJS.Platform;
}

type PingSpec = { host: string; count: number; fallbackPort: number; timeoutMs: number };

/** `ping` probe: ICMP echoes when allowed, else TCP connects where an accept or a refusal is an answer. */
export async function probePing(spec: PingSpec, deps: PingDeps): Promise<ProbeFinding> {
  if (await deps.icmp()) {
    const { output } = await deps.ping(
      pingArgs(deps.platform ?? process.platform, spec.host, spec.count, spec.timeoutMs),
      spec.timeoutMs,
    );
    const summary = parsePingOutput(output);
    if (summary && summary.transmitted > 0) {
      const lossPct =
        Math.round(((summary.transmitted - summary.received) / summary.transmitted) * 1000) / 10;
      return summary.received > 0
        ? { outcome: 'ok', method: 'icmp', latencyMs: summary.avgMs, lossPct }
        : { outcome: 'fail', method: 'icmp', latencyMs: null, lossPct: 100, error: 'NO_REPLY' };
    }
    return {
      outcome: 'fail',
      method: 'icmp',
      latencyMs: null,
      lossPct: 100,
      error: 'PING_FAILED',
      message: output.trim().slice(0, 200),
    };
  }
  return tcpPing(spec);
}

/** The fallback: `count` connects, each given an equal share of the timeout. */
async function tcpPing(spec: PingSpec): Promise<ProbeFinding> {
  const perAttemptMs = Math.max(50, Math.floor(spec.timeoutMs / spec.count));
  const answers: number[] = [];
  let lastError = 'TIMEOUT';
  for (let i = 0; i < spec.count; i++) {
    const attempt = await tcpConnect(spec.host, spec.fallbackPort, perAttemptMs);
    if (attempt.kind === 'failed') lastError = attempt.error;
    else answers.push(attempt.ms);
  }
  const lossPct = Math.round(((spec.count - answers.length) / spec.count) * 1000) / 10;
  if (answers.length === 0)
    return noAnswer(
      'tcp',
      lastError,
      `no answer on TCP port ${spec.fallbackPort} (ICMP not allowed for this agent)`,
    );
  const avg = answers.reduce((a, b) => a + b, 0) / answers.length;
  return { outcome: 'ok', method: 'tcp', latencyMs: Math.round(avg * 10) / 10, lossPct };
}
