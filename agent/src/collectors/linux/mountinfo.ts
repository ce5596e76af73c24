/** One line of /proc/self/mountinfo. */
export interface MountEntry {
  /** `major:minor` of the device; bind mounts of one filesystem share it. */
  readonly devId: string;
  /** Path inside the filesystem that is mounted (`/` unless it is a bind mount of a subtree). */
  readonly root: string;
  readonly mount: string;
  readonly fsType: string;
  readonly device: string;
}

// The kernel escapes space, tab, newline and backslash in paths as octal (`\040`).
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Parses /proc/self/mountinfo (see proc(5)); malformed lines are skipped. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    // Optional fields end with a lone '-', after which come fstype and source.
    const sep = fields.indexOf('-', 6);
    const devId = fields[2];
    const root = fields[3];
    const mount = fields[4];
    const fsType = fields[sep + 1];
    const device = fields[sep + 2];
    if (sep < 0 || !devId || !root || !mount || !fsType || device === undefined) continue;
    out.push({
      devId,
      root: unescapeOctal(root),
      mount: unescapeOctal(mount),
      fsType,
      device: unescapeOctal(device),
    });
  }
  return out;
}
