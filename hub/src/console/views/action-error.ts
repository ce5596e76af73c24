import type { Context } from 'hono';
import { html } from 'hono/html';
import { ApiError } from '../../api/api-error.js';
import type { ConsoleEnv } from '../env.js';
import { isMessageKey } from '../i18n/fr.js';
import type { Html } from './layout.js';
import { pathText, reasonText } from './refusal-text.js';

/**
 * What an admin form shows when the API's own validation refused it: a headline in the page's
 * language (from the error code) and, escaped, each field and the validator's reason. Any other
 * error is not the user's and propagates.
 */
export function actionError(c: Context<ConsoleEnv>, error: unknown): Html {
  if (!(error instanceof ApiError)) throw error;
  const t = c.var.t;
  const key = `admErr_${error.code}`;
  const headline = isMessageKey(key) ? t(key) : t('admErr_other');
  const details = Array.isArray(error.details)
    ? error.details.flatMap((d: unknown) => {
        if (typeof d !== 'object' || d === null) return [];
        const { path, message, layer, kind } = d as Record<string, unknown>;
        // In words first (field and reason in the page's language), the raw path after it in
        // brackets for whoever edits the layer's JSON.
        const where = [layer, kind].filter((x) => typeof x === 'string' && x !== '').join(' ');
        const field = typeof path === 'string' && path !== '' ? `${pathText(t, path)} [${path}]` : '';
        const head = [where, field].filter((x) => x !== '').join(' · ');
        return [`${head ? `${head} : ` : ''}${reasonText(t, String(message ?? ''))}`];
      })
    : [];
  const detail = details.length
    ? details
    : error.code === 'VALIDATION_FAILED'
      ? []
      : [reasonText(t, error.message)];
  return html`<div role="alert" class="error"><p><strong>${headline}</strong></p>${
    detail.length ? html`<ul>${detail.slice(0, 20).map((d) => html`<li>${d}</li>`)}</ul>` : ''
  }</div>`;
}

/** Run an admin action; on an API refusal, the page again with the reason (status 400/404/409). */
export async function runAction(
  c: Context<ConsoleEnv>,
  action: () => Promise<Response>,
  render: (error: Html) => Promise<Html>,
): Promise<Response> {
  try {
    return await action();
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 500;
    return c.html(await render(actionError(c, error)), status as 400);
  }
}
