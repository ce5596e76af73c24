import { describe, expect, it } from 'vitest';
import { sampleNotice, T0 } from './__fixtures__/notify-setup.js';
import type { Delivery } from './delivery.js';
import { noticeFacts, noticeSubject } from './notice-format.js';
import { emailText } from './senders/email.js';
import { slackMessage } from './senders/slack.js';
import { teamsMessage } from './senders/teams.js';

describe('a recovery notice', () => {
  const notice = sampleNotice({
    kind: 'recovered',
    deliveryKey: 'inc_0001/recovered/0',
    recoveredAt: T0 + 60_000,
    reason: 'host.silent recovered; the incident resolves after the quiet period if the fault stays away',
  });
  const delivery: Delivery = { deliveryKey: notice.deliveryKey, notice, attempt: 1 };
  const recoveredAt = new Date(T0 + 60_000).toISOString();

  it('says recovered, and when, in its subject and facts', () => {
    expect(noticeSubject(notice)).toBe('[Vigie P5 N3] srv-db-01: Host silent (recovered)');
    expect(noticeFacts(notice)).toContainEqual(['Recovered at', recoveredAt]);
  });

  it('says recovered in Slack, Teams and e-mail', () => {
    expect(JSON.stringify(slackMessage(delivery))).toContain('*Recovered*');
    expect(JSON.stringify(teamsMessage(delivery))).toContain('(recovered)');
    expect(emailText(delivery)).toContain('Recovered: host.silent recovered');
    expect(emailText(delivery)).toContain(recoveredAt);
  });
});
