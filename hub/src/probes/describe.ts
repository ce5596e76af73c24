import type { ProbeSpec } from '@vigie/shared';

/** A probe in a few words for tickets and logs: `tcp 10.0.0.1:443`, `http https://intranet/`. */
export function describeProbe(spec: ProbeSpec): string {
  switch (spec.kind) {
    case 'ping':
      return `ping ${spec.host}`;
    case 'tcp':
      return `tcp ${hostPort(spec.host, spec.port)}`;
    case 'tls':
      return `tls ${hostPort(spec.host, spec.port)}`;
    case 'http':
      return `http ${spec.url}`;
    case 'dns':
      return `dns ${spec.recordType} ${spec.query}${spec.server ? ` @${hostPort(spec.server.host, spec.server.port)}` : ''}`;
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
