/** Unauthenticated sockets (awaiting or checking hello) allowed at once, per address and overall. */
export interface HandshakeLimits {
  readonly perAddress: number;
  readonly total: number;
}

export const HANDSHAKE_LIMIT_DEFAULTS: HandshakeLimits = { perAddress: 16, total: 512 };

/** One admitted handshake: `helloStarted` once its first frame came, `release` once it is over. */
export interface HandshakeTicket {
  helloStarted(): void;
  /** Idempotent: when the handshake ends (ready or closed) or the socket is shed. */
  release(): void;
}

export type Admission = { ok: true; ticket: HandshakeTicket } | { ok: false; mine: number; total: number };

/**
 * Admission of unauthenticated sockets. Over the per-address cap the newcomer is refused (the
 * address only hurts itself); at the global cap the OLDEST socket that has not sent its hello yet
 * is shed (`shed` closes it) to admit the newcomer, so sockets that never say hello, from however
 * many addresses, cannot keep a real agent — which says hello at once — out. Only when every slot
 * is a hello being checked is the newcomer refused.
 */
export function createHandshakeAdmission(limits: HandshakeLimits) {
  const byAddress = new Map<string, number>();
  let total = 0;
  // Insertion order is admission order: the first entry is the oldest silent socket.
  const silent = new Map<HandshakeTicket, () => void>();

  function admit(address: string, shed: () => void): Admission {
    const mine = byAddress.get(address) ?? 0;
    if (mine >= limits.perAddress) return { ok: false, mine, total };
    if (total >= limits.total) {
      const oldest = silent.entries().next();
      if (oldest.done) return { ok: false, mine, total };
      const [victim, shedVictim] = oldest.value;
      victim.release();
      shedVictim();
    }
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    total += 1;
    let released = false;
    const ticket: HandshakeTicket = {
      helloStarted: () => silent.delete(ticket),
      release() {
        if (released) return;
        released = true;
        silent.delete(ticket);
        total -= 1;
        const left = (byAddress.get(address) ?? 1) - 1;
        if (left <= 0) byAddress.delete(address);
        else byAddress.set(address, left);
      },
    };
    silent.set(ticket, shed);
    return { ok: true, ticket };
  }

  return {
    admit,
    /** Handshakes in progress overall (for logs and tests). */
    total: () => total,
  };
}
export type HandshakeAdmission = ReturnType<typeof createHandshakeAdmission>;
