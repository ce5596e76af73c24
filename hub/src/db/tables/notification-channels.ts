/** Where notices can go; each kind has its own sender module under notify/senders/. */
export const CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface NotificationChannelsTable {
  id: string;
  name: string;
  kind: ChannelKind;
  /** JSON: `{ url, secret? }` for webhook, `{ url }` for slack/teams, `{ recipients }` for email. */
  config: string;
  /** JSON array of the support levels this channel serves (N1/N2/N3). */
  levels: string;
  /** JSON array of the notice kinds it wants (opened, escalated, …). */
  notice_kinds: string;
  /** 0/1. */
  enabled: number;
  created_at: number;
}
