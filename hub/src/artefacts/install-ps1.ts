import type { InstallScriptInput } from './install-sh.js';
import { psString } from './script-quoting.js';

/**
 * install.ps1 for Windows (run elevated). Takes the token from $env:VIGIE_ENROLMENT_TOKEN, since
 * `irm … | iex` cannot pass parameters; needs Node.js >= 20 (no Windows single executable yet).
 */
export function renderInstallPs1(input: InstallScriptInput): string {
  const bundle = input.artefacts.find((artefact) => artefact.name === 'vigie-agent.mjs');
  return `# Vigie agent installer, served by the hub. In an elevated PowerShell:
#   $env:VIGIE_ENROLMENT_TOKEN='TOKEN'; irm <hub>/install.ps1 | iex
$ErrorActionPreference = 'Stop'
$Hub = ${psString(input.hubUrl)}
$BundleSha256 = ${psString(bundle?.sha256 ?? '')}
if (-not $env:VIGIE_ENROLMENT_TOKEN) { throw 'vigie install.ps1: set $env:VIGIE_ENROLMENT_TOKEN first' }
if (-not $BundleSha256) { throw 'vigie install.ps1: this hub serves no vigie-agent.mjs' }
$Node = Get-Command node -ErrorAction SilentlyContinue
if (-not $Node) { throw 'vigie install.ps1: needs Node.js >= 20 (winget install OpenJS.NodeJS.LTS)' }
$Major = [int](& $Node.Source -p 'process.versions.node.split(".")[0]')
if ($Major -lt 20) { throw "vigie install.ps1: needs Node.js >= 20, found $Major" }
$Tmp = Join-Path ([System.IO.Path]::GetTempPath()) ('vigie-' + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Tmp | Out-Null
try {
  $File = Join-Path $Tmp 'vigie-agent.mjs'
  Invoke-WebRequest -UseBasicParsing -Uri "$Hub/downloads/vigie-agent.mjs" -OutFile $File
  $Got = (Get-FileHash -Algorithm SHA256 -Path $File).Hash.ToLowerInvariant()
  if ($Got -ne $BundleSha256) { throw "vigie install.ps1: checksum mismatch: got $Got, expected $BundleSha256" }
  $Arguments = @($File, 'install', '--hub', $Hub)
  if ($env:VIGIE_ROLE) { $Arguments += @('--role', $env:VIGIE_ROLE) }
  & $Node.Source @Arguments
  if ($LASTEXITCODE -ne 0) { throw "vigie install.ps1: vigie-agent install exited with $LASTEXITCODE" }
} finally {
  Remove-Item -Recurse -Force $Tmp
}
`;
}
