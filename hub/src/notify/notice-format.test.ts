import { describe, expect, it } from 'vitest';
import { sampleNotice, T0 } from './__fixtures__/notify-setup.js';
import type { Delivery } from './delivery.js';
import { noticeFacts, noticeSubject } from './notice-format.js';
import { emailText } from './senders/email.js';
import { slackMessage } from './senders/slack.js';
import { teamsMessage } from './senders/teams.js';
import { webhookBody } from './senders/webhook.js';

const licence = sampleNotice({
  title: 'Licence Office 365 (Microsoft): expires in 7 days',
  titleCode: 'licence.expiry',
  titleParams: JSON.stringify({ product: 'Office 365', vendor: 'Microsoft', stage: 7, daysLeft: 7 }),
  check: 'licence.expiry',
  resource: 'lic_AbCdEf123:stage-7',
  hostname: null,
  reason: 'critical licence.expiry, routed by "assets"',
});
const delivery = { deliveryKey: licence.deliveryKey, attempt: 1, notice: licence };

describe('notice text in the channel language', () => {
  it('writes a French channel’s subject, facts and bodies in French, with no id or epoch', () => {
    expect(noticeSubject(licence, 'fr')).toBe(
      '[Vigie P5 N3] acme/paris: Licence Office 365 (Microsoft) : expire dans 7 jours',
    );
    const facts = noticeFacts(licence, 'fr');
    expect(facts).toContainEqual(['Contrôle', 'Licence arrivant à échéance']);
    expect(facts).toContainEqual(['État', 'Nouveau']);
    for (const text of [
      emailText(delivery, 'fr'),
      JSON.stringify(slackMessage(delivery, 'fr')),
      webhookBody(delivery, 'fr').text,
    ]) {
      expect(text).toContain('expire dans 7 jours');
      expect(text).not.toMatch(/\b\d{13}\b|(hst|lic|prb|inc)_[A-Za-z0-9]|routed by/);
    }
  });

  it('keeps the webhook’s machine fields beside the rendered text', () => {
    const body = webhookBody(delivery, 'en');
    expect(body.notice).toEqual(licence);
    expect(body.text).toBe(
      '[Vigie P5 N3] acme/paris: Licence Office 365 (Microsoft): expires in 7 days — critical licence.expiry, routed by "assets"',
    );
  });
});

describe('a recovery notice', () => {
  const notice = sampleNotice({
    kind: 'recovered',
    deliveryKey: 'inc_0001/recovered/0',
    recoveredAt: T0 + 60_000,
    reason: 'host.silent recovered; the incident resolves after the quiet period if the fault stays away',
  });
  const delivery: Delivery = { deliveryKey: notice.deliveryKey, notice, attempt: 1 };

  it('says recovered, and when, in its subject and facts', () => {
    expect(noticeSubject(notice, 'en')).toBe('[Vigie P5 N3] srv-db-01: Host silent (recovered)');
    expect(noticeFacts(notice, 'en').map(([label]) => label)).toContain('Recovered at');
    expect(noticeFacts(notice, 'fr').map(([label]) => label)).toContain('Rétabli à');
  });

  it('says recovered in Slack, Teams and e-mail', () => {
    expect(JSON.stringify(slackMessage(delivery, 'en'))).toContain('*Recovered*');
    expect(JSON.stringify(teamsMessage(delivery, 'en'))).toContain('(recovered)');
    expect(emailText(delivery, 'en')).toContain('Recovered: host.silent recovered');
    expect(emailText(delivery, 'en')).toContain('Recovered at');
  });
});
