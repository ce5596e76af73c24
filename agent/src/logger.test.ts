import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it("writes pino's line: level number, time, pid, hostname, name, the fields, then msg", () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info('schedules set', { metricsSec: 2, revision: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\{"level":30,"time":\d+,"pid":\d+,"hostname":".*","name":"vigie-agent",/);
    expect(lines[0]).toMatch(/"metricsSec":2,"revision":1,"msg":"schedules set"\}\n$/);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ pid: process.pid, hostname: hostname() });
  });

  it('drops what is below its level and writes what is at or above', () => {
    const { lines, stream } = capture();
    const log = createLogger('warn', stream);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { level: 40, msg: 'w' },
      { level: 50, msg: 'e' },
    ]);
    createLogger('silent', stream).error('never');
    expect(lines).toHaveLength(2);
  });

  it('writes an Error field as type, message and stack, and a line whose fields cannot be written', () => {
    const { lines, stream } = capture();
    const log = createLogger('debug', stream);
    log.error('failed', { err: new TypeError('bad "input"') });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.debug('odd', { cyclic, n: 10n });
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first.err).toMatchObject({ type: 'TypeError', message: 'bad "input"' });
    expect(first.err.stack).toContain('TypeError');
    expect(second).toMatchObject({ level: 20, msg: 'odd', fields: ['cyclic', 'n'] });
  });
});
