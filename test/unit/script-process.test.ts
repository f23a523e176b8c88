/**
 * scripts/lib/process.sh: how scripts/control-plane.sh and scripts/node.sh record, check and
 * stop the processes they start. A CI run once failed with "kube-apiserver exited during
 * startup" and an empty log: the check compared the process's command line, which reads empty
 * while an execve is under way (and as the parent shell's before setsid and nohup exec). The
 * record is now the pid's start time, which is set at fork. The cases with a procfs folder the
 * test builds (PROC_ROOT) make each state certain; the others read the real /proc.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { root } from './support';

const library = path.join(root, 'scripts', 'lib', 'process.sh');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'govstack-process-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` in bash with the library sourced; resolves with its exit code and stdout. */
function bash(script: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', `set -euo pipefail; . "$1"; ${script}`, 'test', library], { env: { ...process.env, ...env } }, (error, out) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, out: out.trim() });
    });
  });
}

/** A /proc/<pid>/stat line as the kernel writes it: a command name with a space and a ")" in it. */
function stat(pid: number, state: string, startTime: number): string {
  const afterState = [1, pid, pid, 0, -1, 4194560, 0, 0, 0, 0, 5, 3, 0, 0, 20, 0, 12, 0, startTime, 100, 200];
  return `${pid} (kube (api) server) ${state} ${afterState.join(' ')}\n`;
}

/** Boot time of the fake procfs: 20,000 s ago, so start time 987654 (9,876 s at 100 Hz) is 10,124 s ago. */
const bootTime = Math.floor(Date.now() / 1000) - 20_000;

/** A procfs folder holding one process, and a pid file recording `recorded`. */
function fakeProc(pid: number, state: string, startTime: number, recorded: string): { PROC_ROOT: string; file: string } {
  const proc = path.join(dir, 'proc');
  mkdirSync(path.join(proc, String(pid)), { recursive: true });
  writeFileSync(path.join(proc, String(pid), 'stat'), stat(pid, state, startTime));
  writeFileSync(path.join(proc, String(pid), 'cmdline'), ''); // as inside an execve
  writeFileSync(path.join(proc, 'stat'), `cpu  1 2 3 4\nbtime ${bootTime}\nprocesses 9\n`);
  const file = path.join(dir, 'c.pid');
  writeFileSync(file, recorded);
  return { PROC_ROOT: proc, file };
}

const recordedPid = async (f: { PROC_ROOT: string; file: string }) => bash(`recorded_pid "${f.file}"`, { PROC_ROOT: f.PROC_ROOT });

test('the recorded process runs while its pid has the recorded start time, whatever its command line', async () => {
  expect(await recordedPid(fakeProc(4242, 'R', 987654, '4242 987654\n'))).toEqual({ code: 0, out: '4242' });
  expect(await recordedPid(fakeProc(4242, 'S', 987654, '4242 987654\n'))).toEqual({ code: 0, out: '4242' });
});

test('a recycled pid (another start time), a zombie, a gone pid and an empty file do not run', async () => {
  expect((await recordedPid(fakeProc(4242, 'S', 987655, '4242 987654\n'))).code).toBe(1);
  expect((await recordedPid(fakeProc(4242, 'Z', 987654, '4242 987654\n'))).code).toBe(1);
  expect((await recordedPid(fakeProc(4242, 'S', 987654, '4243 987654\n'))).code).toBe(1);
  expect((await recordedPid(fakeProc(4242, 'S', 987654, ''))).code).toBe(1);
  expect((await recordedPid(fakeProc(4242, 'S', 987654, '4242 exited\n'))).code).toBe(1);
});

test('a pid file of an older version (no start time) is its process when that started before the file was written', async () => {
  const written = fakeProc(4242, 'S', 987654, '4242\n');
  expect(await recordedPid(written)).toEqual({ code: 0, out: '4242' });
  // Written 15,000 s ago, before the process on that pid started: a recycled pid.
  const past = new Date((bootTime + 5_000) * 1000);
  utimesSync(written.file, past, past);
  expect((await recordedPid(written)).code).toBe(1);
});

test('launch records the start time the kernel gives the new process', async () => {
  const file = path.join(dir, 'sleeper.pid');
  const { out } = await bash(`launch "${file}" "${dir}/sleeper.log" sleep 30; cat "${file}"`);
  const [pid, since] = out.split(' ');
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    expect(since).toBe(fields[19]);
  } finally {
    process.kill(Number(pid), 'SIGKILL');
  }
});

test('a process counts as running from the moment launch returns, while setsid and nohup may still exec into it', async () => {
  // The mid-exec state itself is the fake procfs's (above); here the real kernel's record is
  // checked at once after each of 50 starts, then the process is killed.
  const { code, out } = await bash(`
    gone=0
    for i in $(seq 1 50); do
      launch "${dir}/p.pid" /dev/null sleep 30
      recorded_pid "${dir}/p.pid" >/dev/null || gone=$((gone + 1))
      kill -KILL "$(cut -d' ' -f1 "${dir}/p.pid")"
    done
    echo "$gone"`);
  expect({ code, gone: Number(out) }).toEqual({ code: 0, gone: 0 });
});

test('stop_recorded stops the process, prints its pid, removes the file, and then does nothing', async () => {
  const file = path.join(dir, 'c.pid');
  const { out } = await bash(`
    launch "${file}" "${dir}/c.log" sleep 30
    pid=$(recorded_pid "${file}")
    stopped=$(stop_recorded "${file}")
    again=$(stop_recorded "${file}")
    sleep 0.1
    state=$(kill -0 "$pid" 2>/dev/null && echo alive || echo gone)
    echo "$pid|$stopped|$again|$state|$([ -e "${file}" ] && echo file || echo nofile)"`);
  const [pid, stopped, again, state, file_] = out.split('|');
  expect({ stopped, again, state, file: file_ }).toEqual({ stopped: pid, again: '', state: 'gone', file: 'nofile' });
});

test('stop_recorded leaves a recycled pid alone', async () => {
  // This test's own process stands for the process that reused the pid.
  const file = path.join(dir, 'c.pid');
  writeFileSync(file, `${process.pid} 1\n`);
  expect(await bash(`stop_recorded "${file}"; [ ! -e "${file}" ]`)).toEqual({ code: 0, out: '' });
});
