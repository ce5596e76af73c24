import { type Artefact, installerBundle } from './artefact-store.js';
import { shellWord } from './script-quoting.js';

export interface InstallScriptInput {
  /** The hub's base URL as agents reach it. */
  readonly hubUrl: string;
  readonly artefacts: readonly Artefact[];
}

function sumOf(artefacts: readonly Artefact[], name: string): string {
  return artefacts.find((artefact) => artefact.name === name)?.sha256 ?? '';
}

/**
 * install.sh for Linux and macOS. It holds no token: the token comes as `--token` or in
 * VIGIE_ENROLMENT_TOKEN, and reaches vigie-agent through the environment, out of its argv. The
 * artefact sums are baked in, so a download changed in between fails the check instead of running.
 */
export function renderInstallSh(input: InstallScriptInput): string {
  return `#!/bin/sh
# Vigie agent installer, served by the hub. Usage:
#   curl -fsSL <hub>/install.sh | sudo sh -s -- --token TOKEN [--role server|workstation] [--ca FILE] [--root DIR]
set -eu
HUB=${shellWord(input.hubUrl)}
BUNDLE=${shellWord(installerBundle(input.artefacts)?.name ?? '')}
BUNDLE_SHA256=${shellWord(installerBundle(input.artefacts)?.sha256 ?? '')}
SEA_SHA256=${shellWord(sumOf(input.artefacts, 'vigie-agent-linux-x64'))}
TOKEN="\${VIGIE_ENROLMENT_TOKEN:-}"
ROLE=""
CA=""
ROOT=""
PLAINTEXT=""

die() { echo "vigie install.sh: $*" >&2; exit 1; }
need_value() { [ $# -ge 2 ] || { echo "vigie install.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --token) need_value "$@"; TOKEN=$2; shift 2 ;;
    --role) need_value "$@"; ROLE=$2; shift 2 ;;
    --ca) need_value "$@"; CA=$2; shift 2 ;;
    --root) need_value "$@"; ROOT=$2; shift 2 ;;
    --insecure-allow-plaintext) PLAINTEXT=1; shift ;;
    *) echo "vigie install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$TOKEN" ] || { echo "vigie install.sh: missing --token (or VIGIE_ENROLMENT_TOKEN)" >&2; exit 2; }

fetch() {
  if command -v curl >/dev/null 2>&1; then
    if [ -n "$CA" ]; then curl -fsSL --cacert "$CA" -o "$2" "$1"; else curl -fsSL -o "$2" "$1"; fi
  elif command -v wget >/dev/null 2>&1; then
    if [ -n "$CA" ]; then wget -q --ca-certificate="$CA" -O "$2" "$1"; else wget -q -O "$2" "$1"; fi
  else
    die "needs curl or wget"
  fi
}
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d ' ' -f 1
  else shasum -a 256 "$1" | cut -d ' ' -f 1; fi
}
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
  [ "$major" -ge 20 ] 2>/dev/null
}

OS=$(uname -s)
ARCH=$(uname -m)
if node_ok && [ -n "$BUNDLE_SHA256" ]; then
  NAME=$BUNDLE; WANT=$BUNDLE_SHA256
elif [ "$OS" = Linux ] && [ "$ARCH" = x86_64 ] && [ -n "$SEA_SHA256" ]; then
  NAME=vigie-agent-linux-x64; WANT=$SEA_SHA256
else
  die "needs Node.js >= 20 on $OS $ARCH (this hub serves no single executable for it)"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
fetch "$HUB/downloads/$NAME" "$TMP/$NAME" || die "cannot download $HUB/downloads/$NAME"
GOT=$(sha256 "$TMP/$NAME")
[ "$GOT" = "$WANT" ] || die "checksum mismatch for $NAME: got $GOT, expected $WANT"
chmod 755 "$TMP/$NAME"

set -- install --hub "$HUB"
[ -n "$ROLE" ] && set -- "$@" --role "$ROLE"
[ -n "$CA" ] && set -- "$@" --ca "$CA"
[ -n "$ROOT" ] && set -- "$@" --root "$ROOT"
[ -n "$PLAINTEXT" ] && set -- "$@" --insecure-allow-plaintext
VIGIE_ENROLMENT_TOKEN=$TOKEN
export VIGIE_ENROLMENT_TOKEN
if [ "$NAME" = "$BUNDLE" ]; then
  node "$TMP/$NAME" "$@"
else
  "$TMP/$NAME" "$@"
fi
`;
}
