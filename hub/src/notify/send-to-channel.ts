import type { ChannelTarget } from './channel-config.js';
import type { Delivery, SendResult } from './delivery.js';
import { createEmailSender, type SendMail } from './senders/email.js';
import { createSlackSender } from './senders/slack.js';
import { createTeamsSender } from './senders/teams.js';
import { createWebhookSender } from './senders/webhook.js';
import type { TargetGuard } from './target-guard.js';

/** Sends one delivery to one channel, whatever its kind. */
export type SendToChannel = (channel: ChannelTarget, delivery: Delivery) => Promise<SendResult>;

/** One sender per channel kind, dispatched on the channel's kind. */
export function createSendToChannel(options: {
  guard: TargetGuard;
  timeoutMs: number;
  mailFrom: string;
  sendMail: SendMail | undefined;
}): SendToChannel {
  const webhook = createWebhookSender(options);
  const slack = createSlackSender(options);
  const teams = createTeamsSender(options);
  const email = createEmailSender({ from: options.mailFrom, sendMail: options.sendMail });
  return (channel, delivery) => {
    switch (channel.kind) {
      case 'webhook':
        return webhook(channel.config, delivery);
      case 'slack':
        return slack(channel.config, delivery);
      case 'teams':
        return teams(channel.config, delivery);
      case 'email':
        return email(channel.config, delivery);
    }
  };
}
