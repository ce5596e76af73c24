import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { planInstall, planUninstall, statusCommands } from './install-plan.js';
import { winswText } from './quoting.js';

const NODE = 'C:\\Program Files\\nodejs\\node.exe';
const CONFIG = { hubUrl: 'https://vigie.example.com', role: 'server' };

function planFor(
  node: string,
  artefactPath = 'C:\\Users\\Admin\\AppData\\Local\\Temp\\vigie-1\\vigie-agent.mjs',
) {
  return planInstall({
    platform: 'win32',
    artefact: { kind: 'script', path: artefactPath, node },
    config: CONFIG,
  });
}

function contentsOf(plan: ReturnType<typeof planInstall>, path: string): string {
  const file = plan.files.find((candidate) => candidate.path === path);
  if (file?.contents === undefined) throw new Error(`no file ${path} in the plan`);
  return file.contents;
}

/** The generated XML through a strict parser: a well-formedness error throws. */
function parsed(xml: string): Element {
  const document = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
  const root = document.documentElement;
  if (!root) throw new Error('no root element');
  return root;
}

function texts(root: Element, tag: string): string[] {
  return Array.from(root.getElementsByTagName(tag)).map((element) => element.textContent ?? '');
}

const XML_PATH = 'C:\\Program Files\\Vigie\\vigie-agent-service.xml';

describe('the WinSW service definition', () => {
  const plan = planFor(NODE);
  const xml = contentsOf(plan, XML_PATH);
  const service = parsed(xml);

  it('starts with <service>, since WinSW 1.x reads resetfailure and stoptimeout under the first node', () => {
    expect(xml.startsWith('<service>')).toBe(true);
    expect(service.tagName).toBe('service');
  });

  it('names the service vigie-agent and runs node on the installed build with the installed config', () => {
    expect(texts(service, 'id')).toEqual(['vigie-agent']);
    expect(texts(service, 'name')).toEqual(['Vigie agent']);
    expect(texts(service, 'executable')).toEqual([NODE]);
    expect(texts(service, 'argument')).toEqual([
      '--lite-mode',
      'C:\\Program Files\\Vigie\\vigie-agent.mjs',
      'run',
      '--config',
      'C:\\ProgramData\\Vigie\\agent.json',
    ]);
    expect(texts(service, 'workingdirectory')).toEqual(['C:\\Program Files\\Vigie']);
  });

  it('restarts after 5 s, 5 s, then 60 s, and forgets failures after a day', () => {
    const actions = Array.from(service.getElementsByTagName('onfailure')).map((element) => [
      element.getAttribute('action'),
      element.getAttribute('delay'),
    ]);
    expect(actions).toEqual([
      ['restart', '5 sec'],
      ['restart', '5 sec'],
      ['restart', '60 sec'],
    ]);
    expect(texts(service, 'resetfailure')).toEqual(['1 day']);
  });

  it('starts automatically (delayed), stops node first with Ctrl+C, and rolls its logs under the state dir', () => {
    expect(texts(service, 'startmode')).toEqual(['Automatic']);
    expect(service.getElementsByTagName('delayedAutoStart')).toHaveLength(1);
    expect(texts(service, 'stopparentprocessfirst')).toEqual(['true']);
    expect(texts(service, 'logpath')).toEqual(['C:\\ProgramData\\Vigie\\state\\logs']);
    const log = service.getElementsByTagName('log')[0];
    expect(log?.getAttribute('mode')).toBe('roll-by-size');
    expect(texts(service, 'sizeThreshold')).toEqual(['10240']);
    expect(texts(service, 'keepFiles')).toEqual(['8']);
  });

  it('sets no service account, so the service runs as LocalSystem', () => {
    expect(service.getElementsByTagName('serviceaccount')).toHaveLength(0);
  });

  it('runs the single executable directly', () => {
    const binary = planInstall({
      platform: 'win32',
      artefact: { kind: 'binary', path: 'D:\\dl\\vigie-agent.exe' },
      config: CONFIG,
    });
    const root = parsed(contentsOf(binary, XML_PATH));
    expect(texts(root, 'executable')).toEqual(['C:\\Program Files\\Vigie\\vigie-agent.exe']);
    expect(texts(root, 'argument')).toEqual(['run', '--config', 'C:\\ProgramData\\Vigie\\agent.json']);
    expect(binary.files).toContainEqual({
      path: 'C:\\Program Files\\Vigie\\vigie-agent-service.exe',
      mode: 0o755,
      copyFrom: 'D:\\dl\\winsw.exe',
    });
  });

  describe('with a path holding spaces, & and non-ASCII characters', () => {
    const odd = 'C:\\Programmes & outils\\Nœud été\\node.exe';
    const xml = contentsOf(planFor(odd), XML_PATH);
    const root = parsed(xml);

    it('reads back exactly as written, & escaped as an entity (.NET refuses a bare one)', () => {
      expect(texts(root, 'executable')).toEqual([odd]);
      expect(xml).toContain('<executable>C:\\Programmes &amp; outils\\Nœud été\\node.exe</executable>');
    });

    it('cannot be turned into markup', () => {
      const hostile = 'C:\\x</executable><executable>C:\\evil.exe';
      expect(texts(parsed(contentsOf(planFor(hostile), XML_PATH)), 'executable')).toEqual([hostile]);
    });

    it('escapes the markup characters', () => {
      expect(winswText(odd, false)).toBe('C:\\Programmes &amp; outils\\Nœud été\\node.exe');
      expect(winswText('</executable><executable>evil', false)).toBe(
        '&lt;/executable&gt;&lt;executable&gt;evil',
      );
    });
  });

  describe('refuses what WinSW would misread', () => {
    it.each([
      ['a % WinSW expands', 'C:\\%TEMP%\\node.exe'],
      ['a line break', 'C:\\node\n.exe'],
      ['a NUL', 'C:\\node\0.exe'],
    ])('%s', (_what, value) => {
      expect(() => planFor(value)).toThrow();
    });

    it('an argument with a quote, or with a space and a trailing backslash', () => {
      expect(() => winswText('say "hi"', true)).toThrow(/cannot quote/);
      expect(() => winswText('C:\\a b\\', true)).toThrow(/cannot quote/);
      expect(winswText('C:\\a b\\c', true)).toBe('C:\\a b\\c');
    });
  });
});

describe('installing the Windows service', () => {
  const plan = planFor(NODE);

  it('copies the wrapper beside the agent, with its .NET runtime config', () => {
    expect(plan.files).toContainEqual({
      path: 'C:\\Program Files\\Vigie\\vigie-agent-service.exe',
      mode: 0o755,
      copyFrom: 'C:\\Users\\Admin\\AppData\\Local\\Temp\\vigie-1\\winsw.exe',
    });
    const config = parsed(contentsOf(plan, 'C:\\Program Files\\Vigie\\vigie-agent-service.exe.config'));
    expect(
      Array.from(config.getElementsByTagName('supportedRuntime')).map((e) => e.getAttribute('version')),
    ).toEqual(['v2.0.50727', 'v4.0']);
  });

  it('installs the MIT licence of WinSW beside it', () => {
    expect(contentsOf(plan, 'C:\\Program Files\\Vigie\\vigie-agent-service.LICENSE.txt')).toContain(
      'Permission is hereby granted, free of charge',
    );
  });

  it('takes the wrapper from a named path when given one', () => {
    const named = planInstall({
      platform: 'win32',
      artefact: { kind: 'script', path: 'C:\\tmp\\vigie-agent.mjs', node: NODE },
      config: CONFIG,
      serviceWrapper: 'E:\\tools\\WinSW.exe',
    });
    expect(named.files.find((file) => file.path.endsWith('vigie-agent-service.exe'))?.copyFrom).toBe(
      'E:\\tools\\WinSW.exe',
    );
  });

  it('first stops and drops any earlier service, waiting for it to stop', () => {
    expect(plan.before).toEqual([
      ['net.exe', 'stop', 'vigie-agent'],
      ['sc.exe', 'delete', 'vigie-agent'],
    ]);
  });

  it('registers through the wrapper, sets the delayed start, then starts it', () => {
    expect(plan.commands).toEqual([
      ['C:\\Program Files\\Vigie\\vigie-agent-service.exe', 'install'],
      ['sc.exe', 'config', 'vigie-agent', 'start=', 'delayed-auto'],
      ['C:\\Program Files\\Vigie\\vigie-agent-service.exe', 'start'],
    ]);
  });

  it('creates the log directory in the state dir', () => {
    expect(plan.dirs).toContainEqual({ path: 'C:\\ProgramData\\Vigie\\state\\logs', mode: 0o700 });
  });
});

describe('uninstalling and asking about the Windows service', () => {
  it('stops, unregisters through the wrapper (sc.exe as fallback), then removes the install dir', () => {
    const plan = planUninstall('win32', false);
    expect(plan.stop).toEqual([
      ['net.exe', 'stop', 'vigie-agent'],
      ['C:\\Program Files\\Vigie\\vigie-agent-service.exe', 'uninstall'],
      ['sc.exe', 'delete', 'vigie-agent'],
    ]);
    expect(plan.remove).toContain('C:\\Program Files\\Vigie');
    expect(plan.remove).not.toContain('C:\\ProgramData\\Vigie\\state');
    expect(planUninstall('win32', true).remove).toContain('C:\\ProgramData\\Vigie\\state');
  });

  it('asks sc.exe query for the status', () => {
    expect(statusCommands('win32')).toEqual({
      installed: ['sc.exe', 'query', 'vigie-agent'],
      running: ['sc.exe', 'query', 'vigie-agent'],
    });
  });
});
