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
