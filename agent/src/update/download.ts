import { createWriteStream } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname } from 'node:path';
import { mkdir, rm } from '../runtime/fs-async.js';
import { type UpdateFailure, updateFailure } from './update-errors.js';

export interface DownloadOptions {
  /** More bytes than this (the announced size) abort the download. */
  readonly maxBytes: number;
  /** Extra trusted CAs (PEM) for an https hub, as for the WebSocket. */
  readonly ca?: readonly string[];
  readonly timeoutMs: number;
}

/**
 * Streams `url` into `file` (0600), stopping as soon as it exceeds `maxBytes`, so a hostile or
 * broken server cannot fill the state directory. Redirects are not followed: artefacts come from
 * the hub itself. The partial file is removed on any failure.
 */
export async function downloadTo(
  url: string,
  file: string,
  options: DownloadOptions,
): Promise<{ ok: true; bytes: number } | UpdateFailure> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const result = await new Promise<{ ok: true; bytes: number } | UpdateFailure>((resolve) => {
    const target = new URL(url);
    const signal = AbortSignal.timeout(options.timeoutMs);
    const request =
      target.protocol === 'https:'
        ? https.get(target, { signal, ...(options.ca && { ca: [...options.ca] }) })
        : http.get(target, { signal });
    let settled = false;
    const finish = (value: { ok: true; bytes: number } | UpdateFailure) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    request.on('error', (error) => finish(updateFailure('UPDATE_DOWNLOAD_FAILED', error.message)));
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        finish(updateFailure('UPDATE_DOWNLOAD_FAILED', `${url} answered ${response.statusCode}`));
        return;
      }
      const out = createWriteStream(file, { mode: 0o600 });
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > options.maxBytes) {
          request.destroy();
          out.destroy();
          finish(updateFailure('UPDATE_TOO_LARGE', `more than ${options.maxBytes} bytes`));
        }
      });
      response.on('error', (error) => finish(updateFailure('UPDATE_DOWNLOAD_FAILED', error.message)));
      out.on('error', (error) => finish(updateFailure('UPDATE_DOWNLOAD_FAILED', error.message)));
      out.on('finish', () => finish({ ok: true, bytes }));
      response.pipe(out);
    });
  });
  if (!result.ok) await rm(file, { force: true });
  return result;
}
