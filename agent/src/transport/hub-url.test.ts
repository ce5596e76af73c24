import { describe, expect, it } from 'vitest';
import { hubHttpEndpoint, hubWebSocketUrl, isHubUrl, plaintextRefusal } from './hub-url.js';

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

describe('plaintextRefusal', () => {
  it('accepts https anywhere and plain http on loopback', () => {
    expect(plaintextRefusal('https://vigie.example.com', false)).toBeUndefined();
    expect(plaintextRefusal('http://127.0.0.1:8420', false)).toBeUndefined();
    expect(plaintextRefusal('http://localhost:8420', false)).toBeUndefined();
    expect(plaintextRefusal('http://[::1]:8420', false)).toBeUndefined();
  });

  it('refuses plain http to another machine, naming the flag that allows it', () => {
    expect(plaintextRefusal('http://10.0.0.5:8420', false)).toMatch(/--insecure-allow-plaintext/);
    expect(plaintextRefusal('http://10.0.0.5:8420', true)).toBeUndefined();
  });
});
