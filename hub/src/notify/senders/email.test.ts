import { afterEach, describe, expect, it } from 'vitest';
import { notifyHarness, sampleNotice, testSettings } from '../__fixtures__/notify-setup.js';
import { mailHeader, mimePart, startSmtpReceiver } from '../__fixtures__/receivers.js';
import { messageIdFor } from './email.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function withSmtp() {
  const smtp = await startSmtpReceiver();
  cleanups.push(smtp.close);
  const settings = testSettings();
  const h = await notifyHarness({
    ...settings,
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: settings.mailFrom },
  });
  cleanups.push(() => h.deps.db.destroy());
  return { smtp, h };
}

describe('e-mail over SMTP', () => {
  it('sends a text and an HTML body to the channel recipients, every incident string escaped', async () => {
    const { smtp, h } = await withSmtp();
    await h.addChannel({
      kind: 'email',
      config: { recipients: ['n3@acme.example', 'oncall@acme.example'], locale: 'en' },
    });
    const hostile = '<script>alert("x")</script>';
    await h.notify(sampleNotice({ hostname: `srv-db-01${hostile}`, reason: `disk ${hostile} & more` }));

    expect(await h.notifications.worker.tick()).toMatchObject({ sent: 1 });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail?.from).toBe('vigie@hub.example');
    expect(mail?.to).toEqual(['n3@acme.example', 'oncall@acme.example']);
    const raw = mail?.raw ?? '';
    expect(mailHeader(raw, 'Subject')).toContain('[Vigie P5 N3] srv-db-01<script>');
    expect(mailHeader(raw, 'X-Vigie-Delivery-Key')).toBe('inc_0001/N3');
    expect(mailHeader(raw, 'Message-ID')).toBe(messageIdFor('inc_0001/N3', 'vigie@hub.example'));

    const html = mimePart(raw, 'text/html') ?? '';
    expect(html).toContain('srv-db-01&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('disk &lt;script&gt;');
    expect(html).toContain('&amp; more');
    expect(html).not.toContain('<script');
    const text = mimePart(raw, 'text/plain') ?? '';
    expect(text).toContain('Host: srv-db-01<script>');
    // Ids stay in the headers: the body is for a person.
    expect(text).not.toContain('inc_0001');
  });

  it('uses the plain subject from the brief for an ordinary opening', async () => {
    const { smtp, h } = await withSmtp();
    await h.addChannel({ kind: 'email', config: { recipients: ['n3@acme.example'] } });
    await h.notify(sampleNotice());
    await h.notifications.worker.tick();
    expect(mailHeader(smtp.mails[0]?.raw ?? '', 'Subject')).toBe('[Vigie P5 N3] srv-db-01: Host silent');
  });

  it('goes dead with a clear error when SMTP is not configured', async () => {
    const h = await notifyHarness();
    cleanups.push(() => h.deps.db.destroy());
    await h.addChannel({ kind: 'email', config: { recipients: ['n3@acme.example'] } });
    await h.notify(sampleNotice());
    expect(await h.notifications.worker.tick()).toMatchObject({ dead: 1 });
    expect((await h.outbox())[0]?.last_error).toContain('VIGIE_SMTP_HOST');
  });

  it('retries when the SMTP server is unreachable', async () => {
    const { smtp, h } = await withSmtp();
    await smtp.close();
    await h.addChannel({ kind: 'email', config: { recipients: ['n3@acme.example'] } });
    await h.notify(sampleNotice());
    expect(await h.notifications.worker.tick()).toMatchObject({ retried: 1 });
    expect((await h.outbox())[0]?.last_error).toMatch(/^SMTP: /);
  });
});
