import { describe, expect, it } from 'vitest';
import { sampleNotice } from './__fixtures__/notify-setup.js';
import { noticeReason } from './notice-format.js';
import { emailText } from './senders/email.js';

// A notice's reason is data rendered in the channel's language (0027), not an English sentence.

const raised = sampleNotice({
  kind: 'escalated',
  reason: 'raised by child inc_0123456789: priority 4 → 5, N1 → N3',
  reasonCode: 'raised-by-child',
  reasonParams: { priorityFrom: 4, priorityTo: 5, levelFrom: 'N1', levelTo: 'N3' },
});

describe('notice reasons', () => {
  it('renders a coded reason in French and English, without internal ids', () => {
    expect(noticeReason(raised, 'fr')).toBe('relevé par un incident rattaché : P4 → P5, N1 → N3');
    expect(noticeReason(raised, 'en')).toBe('raised by a grouped incident: P4 → P5, N1 → N3');
    const opened = sampleNotice({
      reason: 'critical host.silent, routed by "server silent"',
      reasonCode: 'opened',
      reasonParams: { severity: 'critical', check: 'host.silent' },
    });
    expect(noticeReason(opened, 'fr')).toMatch(/^critique : /);
    expect(noticeReason(opened, 'fr')).not.toContain('host.silent');
    expect(noticeReason(opened, 'en')).toMatch(/^critical: /);
  });

  it('keeps the English sentence for English channels when the code is unknown to the tables', () => {
    const old = sampleNotice({ reason: 'something the engine said' });
    expect(noticeReason(old, 'en')).toBe('something the engine said');
    expect(noticeReason(old, 'fr')).toBe('');
  });

  it('reaches the e-mail a French channel sends', () => {
    const text = emailText({ deliveryKey: raised.deliveryKey, attempt: 1, notice: raised }, 'fr');
    expect(text).toContain('relevé par un incident rattaché');
    expect(text).not.toContain('inc_0123456789');
  });
});
