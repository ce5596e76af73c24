import { describe, expect, it } from 'vitest';
import { hubHttpEndpoint, hubWebSocketUrl, isHubUrl } from './hub-url.js';

describe('hub URLs', () => {
  it('maps http to ws and https to wss', () => {
    expect(hubWebSocketUrl('http://hub.local:8080')).toBe('ws://hub.local:8080/api/v1/agent/ws');
    expect(hubWebSocketUrl('https://hub.example.com/')).toBe('wss://hub.example.com/api/v1/agent/ws');
  });

  it('keeps a path prefix, with or without a trailing slash', () => {
    expect(hubHttpEndpoint('https://example.com/vigie', 'api/v1/enrol')).toBe(
      'https://example.com/vigie/api/v1/enrol',
    );
    expect(hubHttpEndpoint('https://example.com/vigie/', '/api/v1/enrol')).toBe(
      'https://example.com/vigie/api/v1/enrol',
    );
  });

  it('accepts only absolute http(s) URLs', () => {
    expect(isHubUrl('https://hub.example.com')).toBe(true);
    expect(isHubUrl('ftp://hub.example.com')).toBe(false);
    expect(isHubUrl('hub.example.com')).toBe(false);
  });
});
