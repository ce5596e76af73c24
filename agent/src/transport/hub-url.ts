/** Where the hub's HTTP API lives under `hubUrl` (a hub may be served under a path prefix). */
export function hubHttpEndpoint(hubUrl: string, path: string): string {
  const base = new URL(hubUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL(path.replace(/^\//, ''), base).toString();
}

/** The agent WebSocket endpoint of the hub at `hubUrl`: http→ws, https→wss. */
export function hubWebSocketUrl(hubUrl: string): string {
  const url = new URL(hubHttpEndpoint(hubUrl, 'api/v1/agent/ws'));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Whether `value` is an absolute http(s) URL a hub can be reached at. */
export function isHubUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** Whether a hub URL points at this machine (plain http is fine there: nothing leaves the host). */
export function isLoopbackUrl(hubUrl: string): boolean {
  const host = new URL(hubUrl).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Why the agent refuses to talk to `hubUrl`, or undefined when it may: plain http(s) to another
 * machine would send the credential and every report unencrypted.
 */
export function plaintextRefusal(hubUrl: string, allowPlaintext: boolean): string | undefined {
  const url = new URL(hubUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return undefined;
  if (allowPlaintext || isLoopbackUrl(hubUrl)) return undefined;
  return (
    `refusing plain ${url.protocol.slice(0, -1)}:// to ${url.host}: the credential would travel unencrypted; ` +
    'use https:// (with --ca FILE for a private CA), or pass --insecure-allow-plaintext ' +
    '(VIGIE_INSECURE_ALLOW_PLAINTEXT=true) to accept it'
  );
}
