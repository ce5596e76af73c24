import type { TextLocale } from './codes.js';

/** The words of one language: check labels, title templates' parts and timeline phrases. */
export interface Words {
  readonly intl: string;
  readonly checks: Readonly<Record<string, string>>;
  readonly on: string;
  readonly colon: string;
  readonly storm: (label: string, client: string) => string;
  /** A problem's title around its incidents' title. */
  readonly recurring: (title: string) => string;
  readonly expiry: (daysLeft: number) => string;
  readonly licence: string;
  readonly warranty: (hostname: string) => string;
  readonly serial: string;
  readonly seatsUsed: (used: number, seats: number) => string;
  readonly probe: (kind: string, name: string) => string;
  readonly tlsOf: (probe: string, device: string) => string;
  readonly days: (n: number) => string;
  /** A count of hosts (a site ticket's value: how many are silent). */
  readonly hosts: (n: number) => string;
  readonly severity: Readonly<Record<string, string>>;
  readonly roles: Readonly<Record<string, string>>;
  readonly production: string;
  readonly clocks: Readonly<Record<string, string>>;
  readonly resolution: Readonly<Record<string, string>>;
  readonly reasons: Readonly<Record<string, string>>;
  /** A notice's reason from its code and parameters (labels and levels already in this language). */
  readonly reasonCodes: {
    readonly opened: (severity: string, check: string) => string;
    readonly storm: (cap: number, check: string) => string;
    readonly 'raised-by-child': (priority: string, level: string) => string;
    readonly flapping: (check: string) => string;
    readonly 'severity-rose': (priority: string, level: string) => string;
  };
  readonly field: Readonly<Record<string, string>>;
  readonly actors: {
    readonly system: string;
    readonly sla: string;
    readonly escalation: string;
    readonly rule: string;
  };
  readonly defaultRoute: string;
  readonly channels: (n: number) => string;
  readonly notice: (n: number) => string;
  readonly storming: (cap: number, period: string) => string;
  readonly inWindow: (n: number) => string;
  readonly noticeKinds: Readonly<Record<string, string>>;
  readonly facts: Readonly<Record<string, string>>;
  readonly priority: (p: number) => string;
  readonly states: Readonly<Record<string, string>>;
  readonly updatedBy: (what: string, who: string) => string;
  readonly unacknowledged: (after: string) => string;
}

export type WordTables = Readonly<Record<TextLocale, Words>>;
