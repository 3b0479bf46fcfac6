// Runs a real entry point (`node --import tsx <entry>.ts`) as a child process and waits on its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface RunningChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines printed so far (the sandbox banner and other text are skipped). */
  logLines(): Record<string, unknown>[];
  /** Resolves with the first log line matching, rejecting after deadlineMs (or if the child exits). */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    deadlineMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves once stdout matches, rejecting after deadlineMs or if the child exits first. */
  waitForOutput(pattern: RegExp, deadlineMs?: number): Promise<void>;
  /** Resolves with the exit code, rejecting after deadlineMs. */
  exited(deadlineMs?: number): Promise<number | null>;
  /** Kills the child if it is still running (test clean-up). */
  stop(): Promise<void>;
}

/** Starts the service with exactly `env` (plus PATH and HOME): nothing leaks from the test run. */
export function startMain(env: Record<string, string>): RunningChild {
  return startEntry('src/main.ts', env);
}

/** Starts `entry` (a .ts file under the repository) with exactly `env` plus PATH and HOME. */
export function startEntry(entry: string, env: Record<string, string> = {}): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    child.emit('output');
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const logLines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return null;
        }
      })
      .filter((l): l is Record<string, unknown> => l !== null);

  const describe = () => `\nstdout:\n${out}\nstderr:\n${err}`;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logLines,
    waitForLog(match, deadlineMs = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logLines().find(match);
          if (!found) return;
          done();
          resolve(found);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching log line within ${deadlineMs} ms${describe()}`));
        }, deadlineMs);
        const onExit = () => {
          check();
          done();
          reject(new Error(`the process exited before the log line${describe()}`));
        };
        const done = () => {
          clearTimeout(timer);
          child.off('output', check);
          child.off('exit', onExit);
        };
        child.on('output', check);
        child.once('exit', onExit);
        check();
      });
    },
    waitForOutput(pattern, deadlineMs = 20000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(out)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no output matching ${pattern} within ${deadlineMs} ms${describe()}`));
        }, deadlineMs);
        const onExit = () => {
          done();
          if (pattern.test(out)) resolve();
          else reject(new Error(`the process exited before printing ${pattern}${describe()}`));
        };
        const done = () => {
          clearTimeout(timer);
          child.off('output', check);
          child.off('exit', onExit);
        };
        child.on('output', check);
        child.once('exit', onExit);
        check();
      });
    },
    exited(deadlineMs = 10000) {
      let timer: NodeJS.Timeout;
      return Promise.race([
        exit.finally(() => clearTimeout(timer)),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`the process did not exit within ${deadlineMs} ms${describe()}`)),
            deadlineMs,
          );
        }),
      ]);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exit;
      }
    },
  };
}
