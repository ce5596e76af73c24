import { installerBundle } from './artefact-store.js';
import type { InstallScriptInput } from './install-sh.js';
import { psString } from './script-quoting.js';

function sumOf(input: InstallScriptInput, name: string): string {
  return input.artefacts.find((artefact) => artefact.name === name)?.sha256 ?? '';
}

/**
 * install.ps1 for Windows (run elevated). Takes the token from $env:VIGIE_ENROLMENT_TOKEN, since
 * `irm … | iex` cannot pass parameters; needs Node.js >= 20 (no Windows single executable yet).
 * Downloads the agent and WinSW, the wrapper that runs it as a service (decision 0022), into one
 * directory, where `vigie-agent install` finds winsw.exe; each is checked against the sum baked in.
 */
export function renderInstallPs1(input: InstallScriptInput): string {
  return `# Vigie agent installer, served by the hub. In an elevated PowerShell:
#   $env:VIGIE_ENROLMENT_TOKEN='TOKEN'; irm <hub>/install.ps1 | iex
$ErrorActionPreference = 'Stop'
$Hub = ${psString(input.hubUrl)}
$Bundle = ${psString(installerBundle(input.artefacts)?.name ?? 'vigie-agent.cjs')}
$BundleSha256 = ${psString(installerBundle(input.artefacts)?.sha256 ?? '')}
$WrapperSha256 = ${psString(sumOf(input, 'winsw.exe'))}
if (-not $env:VIGIE_ENROLMENT_TOKEN) { throw 'vigie install.ps1: set $env:VIGIE_ENROLMENT_TOKEN first' }
if (-not $BundleSha256) { throw "vigie install.ps1: this hub serves no $Bundle" }
if (-not $WrapperSha256) { throw 'vigie install.ps1: this hub serves no winsw.exe (the Windows service wrapper)' }
$Node = Get-Command node -ErrorAction SilentlyContinue
if (-not $Node) { throw 'vigie install.ps1: needs Node.js >= 20 (winget install OpenJS.NodeJS.LTS)' }
$Major = [int](& $Node.Source -p 'process.versions.node.split(".")[0]')
if ($Major -lt 20) { throw "vigie install.ps1: needs Node.js >= 20, found $Major" }
$Tmp = Join-Path ([System.IO.Path]::GetTempPath()) ('vigie-' + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Tmp | Out-Null
# Downloads one artefact into $Tmp and refuses it unless its SHA-256 is the one this hub announced.
function Get-VigieArtefact([string]$Name, [string]$Sha256) {
  $Path = Join-Path $Tmp $Name
  Invoke-WebRequest -UseBasicParsing -Uri "$Hub/downloads/$Name" -OutFile $Path
  $Got = (Get-FileHash -Algorithm SHA256 -Path $Path).Hash.ToLowerInvariant()
  if ($Got -ne $Sha256) { throw "vigie install.ps1: checksum mismatch for \${Name}: got $Got, expected $Sha256" }
  return $Path
}
try {
  $File = Get-VigieArtefact $Bundle $BundleSha256
  $Wrapper = Get-VigieArtefact 'winsw.exe' $WrapperSha256
  # Named as well as placed beside the agent, so the install takes exactly the file checked above.
  $env:VIGIE_SERVICE_WRAPPER = $Wrapper
  $Arguments = @($File, 'install', '--hub', $Hub)
  if ($env:VIGIE_ROLE) { $Arguments += @('--role', $env:VIGIE_ROLE) }
  & $Node.Source @Arguments
  if ($LASTEXITCODE -ne 0) { throw "vigie install.ps1: vigie-agent install exited with $LASTEXITCODE" }
} finally {
  Remove-Item Env:VIGIE_SERVICE_WRAPPER -ErrorAction SilentlyContinue
  Remove-Item -Recurse -Force $Tmp
}
`;
}
