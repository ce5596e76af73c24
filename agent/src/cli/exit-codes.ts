import { EX_USAGE } from '@vigie/shared';

/** Process exit codes of vigie-agent; documented in `vigie-agent --help`. */
export const EXIT_CODES = {
  OK: 0,
  /** The command failed: enrolment refused, hub unreachable, state dir not writable… */
  FAILURE: 1,
  /** EX_USAGE (sysexits.h): unknown command or option, missing or malformed argument or flag value. */
  USAGE: EX_USAGE,
  /**
   * EX_CONFIG (sysexits.h): a human must fix something before a retry can succeed — invalid
   * configuration, not enrolled, or the hub refused the credential. Service units should not
   * restart on it (systemd: RestartPreventExitStatus=78).
   */
  CONFIG: 78,
  /**
   * EX_TEMPFAIL (sysexits.h): a new version was installed (or rolled back) and wants a restart.
   * Any service manager that restarts on failure restarts it (systemd Restart=on-failure, launchd
   * KeepAlive SuccessfulExit=false, Windows failure actions); decision 0017.
   */
  RESTART: 75,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
