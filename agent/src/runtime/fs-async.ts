import * as fs from 'node:fs';
import { promisify } from 'node:util';

// The promise forms of the file calls the agent makes, over node:fs's callbacks. Not
// node:fs/promises: loading it loads FileHandle, readline and their streams with it, ~0.4 MiB that
// stay resident for the process's life whatever is called (docs/benchmarks.md, "agentrss 2"), and
// any module of the bundle that imports it loads it at start. Same system calls, same errors (codes
// and messages); no FileHandle: code that needs a descriptor opens, uses and closes it itself.

export const access = promisify(fs.access);
export const appendFile = promisify(fs.appendFile);
export const chmod = promisify(fs.chmod);
export const close = promisify(fs.close);
export const copyFile = promisify(fs.copyFile);
export const fchmod = promisify(fs.fchmod);
export const fsync = promisify(fs.fsync);
export const lstat = promisify(fs.lstat);
export const mkdir = promisify(fs.mkdir);
export const open = promisify(fs.open);
export const opendir = promisify(fs.opendir);
export const read = promisify(fs.read);
export const readdir = promisify(fs.readdir);
export const readFile = promisify(fs.readFile);
export const realpath = promisify(fs.realpath);
export const rename = promisify(fs.rename);
export const rm = promisify(fs.rm);
export const stat = promisify(fs.stat);
export const statfs = promisify(fs.statfs);
export const unlink = promisify(fs.unlink);
export const writeFile = promisify(fs.writeFile);
