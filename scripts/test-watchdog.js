// A watchdog for the test runner (the runner runs in its own process group, whose id is its pid): node's runner gives each test file its own process and waits for it without a
// limit, so one file that hangs (a browser that never answers, a handle left open) holds CI until its own timeout
// and says nothing about which file it was. This one looks at the runner's children every few seconds, names a file
// that runs longer than the limit, and kills it with everything it started, so that file fails and the run ends.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function processes() {
  const out = [];
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the fields after it are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const pgid = Number(fields[2]);
      const ageSeconds = uptime - Number(fields[19]) / TICKS_PER_SECOND;
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // A zombie is already dead (only its exit status is left for a parent to read): nothing to kill.
      if (fields[0] === 'Z') continue;
      out.push({ pid: Number(name), ppid, pgid, ageSeconds, args });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function descendants(all, pid) {
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    for (const q of all) {
      if (q.ppid === p) {
        found.push(q.pid);
        queue.push(q.pid);
      }
    }
  }
  return found;
}

// Long enough that no test's own check of an orphan (a child that must die with its killed parent) is pre-empted.
const ORPHAN_GRACE_SECONDS = Number(process.env.TEST_ORPHAN_GRACE_SECONDS ?? 120);

function kill(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * After the run: whatever is still alive in the runner's process group was left behind by a test; it could keep
 * the output pipe of CI open after the run ended. Names and kills it.
 */
export function killLeftovers(runnerPid, log = (line) => process.stderr.write(`${line}\n`)) {
  let left = [];
  try {
    left = processes().filter((p) => p.pgid === runnerPid);
  } catch {
    return;
  }
  for (const p of left) {
    log(`test watchdog: ${p.pid} (${p.args.join(' ').slice(0, 200)}) outlived the test run; killing it`);
  }
  try {
    process.kill(-runnerPid, 'SIGKILL');
  } catch {
    // no such group left
  }
}

/**
 * Watches the children of `runnerPid` that run a `*.test.ts` file. Returns a stop function. Without /proc (not
 * Linux) it watches nothing.
 */
export function watchTestFiles(runnerPid, { limitSeconds, log = (line) => process.stderr.write(`${line}\n`) }) {
  const started = new Map();
  const timer = setInterval(() => {
    let all;
    try {
      all = processes();
    } catch {
      return;
    }
    const now = Date.now();
    const running = new Set();
    for (const p of all) {
      const file = p.args.at(-1);
      if (p.ppid !== runnerPid || !file?.endsWith('.test.ts')) continue;
      running.add(p.pid);
      if (!started.has(p.pid)) started.set(p.pid, now);
      const seconds = Math.round((now - started.get(p.pid)) / 1000);
      if (seconds > limitSeconds) {
        log(`test watchdog: ${file} has run ${seconds} s (limit TEST_FILE_TIMEOUT_SECONDS=${limitSeconds}); killing it and what it started`);
        for (const pid of [...descendants(all, p.pid), p.pid]) kill(pid);
        started.set(p.pid, Infinity);
      }
    }
    for (const pid of started.keys()) if (!running.has(pid)) started.delete(pid);
    // A process a test started and left behind (its parent gone) may hold that test file's output pipe open, and
    // the runner waits for that pipe to close: the file never ends, and the watchdog above no longer sees it.
    for (const p of all) {
      if (p.pgid === runnerPid && p.pid !== runnerPid && p.ppid === 1 && p.ageSeconds > ORPHAN_GRACE_SECONDS) {
        log(`test watchdog: killing ${p.pid} (${p.args.join(' ').slice(0, 200)}), left running by a test file that ended`);
        kill(p.pid);
      }
    }
  }, 5000);
  timer.unref();
  return () => clearInterval(timer);
}
