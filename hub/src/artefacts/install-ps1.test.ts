import { describe, expect, it } from 'vitest';
import type { Artefact } from './artefact-store.js';
import { renderInstallPs1 } from './install-ps1.js';

const BUNDLE_SHA = 'a'.repeat(64);
const WRAPPER_SHA = 'b'.repeat(64);
const MODULE_SHA = 'c'.repeat(64);

function artefact(name: Artefact['name'], kind: Artefact['kind'], sha256: string): Artefact {
  return { name, kind, platform: 'any', arch: 'any', version: '1.2.3', size: 10, sha256, path: `/x/${name}` };
}

const BOTH = [
  artefact('vigie-agent.mjs', 'script', MODULE_SHA),
  artefact('vigie-agent.cjs', 'script', BUNDLE_SHA),
  artefact('winsw.exe', 'service-wrapper', WRAPPER_SHA),
];

/** The script's lines, trimmed, for order checks. */
function lines(script: string): string[] {
  return script.split('\n').map((line) => line.trim());
}

function indexOf(script: string, start: string): number {
  const index = lines(script).findIndex((line) => line.startsWith(start));
  if (index < 0) throw new Error(`no line starting with ${start}`);
  return index;
}

describe('install.ps1', () => {
  const script = renderInstallPs1({ hubUrl: 'https://vigie.example.com', artefacts: BOTH });

  it('bakes in the sums of the agent (its CommonJS build) and of the service wrapper', () => {
    expect(script).toContain("$Bundle = 'vigie-agent.cjs'");
    expect(script).toContain(`$BundleSha256 = '${BUNDLE_SHA}'`);
    expect(script).toContain(`$WrapperSha256 = '${WRAPPER_SHA}'`);
  });

  it('downloads both from this hub into one directory and checks each SHA-256 before use', () => {
    expect(script).toContain('Invoke-WebRequest -UseBasicParsing -Uri "$Hub/downloads/$Name" -OutFile $Path');
    expect(script).toContain('$Got = (Get-FileHash -Algorithm SHA256 -Path $Path).Hash.ToLowerInvariant()');
    expect(script).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: PowerShell's ${Name}, not a JS placeholder
      'if ($Got -ne $Sha256) { throw "vigie install.ps1: checksum mismatch for ${Name}: got $Got, expected $Sha256" }',
    );
    expect(lines(script)).toContain('$File = Get-VigieArtefact $Bundle $BundleSha256');
    expect(lines(script)).toContain("$Wrapper = Get-VigieArtefact 'winsw.exe' $WrapperSha256");
  });

  it('installs only after both checks, naming the checked wrapper', () => {
    const install = indexOf(script, '& $Node.Source @Arguments');
    expect(indexOf(script, '$File = Get-VigieArtefact')).toBeLessThan(install);
    expect(indexOf(script, '$Wrapper = Get-VigieArtefact')).toBeLessThan(install);
    expect(indexOf(script, '$env:VIGIE_SERVICE_WRAPPER = $Wrapper')).toBeLessThan(install);
    expect(lines(script)).toContain("$Arguments = @($File, 'install', '--hub', $Hub)");
  });

  it('stops early when the hub serves no wrapper', () => {
    const without = renderInstallPs1({
      hubUrl: 'https://vigie.example.com',
      artefacts: BOTH.filter((one) => one.kind === 'script'),
    });
    expect(without).toContain("$WrapperSha256 = ''");
    expect(
      indexOf(without, "if (-not $WrapperSha256) { throw 'vigie install.ps1: this hub serves no winsw.exe"),
    ).toBeLessThan(indexOf(without, '$Node = Get-Command node'));
  });

  it('fetches the ES module build from a hub that serves no CommonJS one (built before decision 0043)', () => {
    const older = renderInstallPs1({
      hubUrl: 'https://vigie.example.com',
      artefacts: BOTH.filter((one) => one.name !== 'vigie-agent.cjs'),
    });
    expect(older).toContain("$Bundle = 'vigie-agent.mjs'");
    expect(older).toContain(`$BundleSha256 = '${MODULE_SHA}'`);
  });

  it('keeps a hostile hub URL inside one single-quoted string', () => {
    const hostile = renderInstallPs1({ hubUrl: "https://h'; iex 'evil", artefacts: BOTH });
    expect(hostile).toContain("$Hub = 'https://h''; iex ''evil'");
  });
});
