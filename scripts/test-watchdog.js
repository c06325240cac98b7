// A watchdog for the test runner: node's runner gives each test file its own process and waits for it without a
// limit, so one file that hangs (a browser that never answers, a handle left open) holds CI until its own timeout
// and says nothing about which file it was. This one looks at the runner's children every few seconds, names a file
// that runs longer than the limit, and kills it with everything it started, so that file fails and the run ends.
import { readdirSync, readFileSync } from 'node:fs';

function processes() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the fields after it are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({ pid: Number(name), ppid, args });
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
        for (const pid of [...descendants(all, p.pid), p.pid]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        started.set(p.pid, Infinity);
      }
    }
    for (const pid of started.keys()) if (!running.has(pid)) started.delete(pid);
  }, 5000);
  timer.unref();
  return () => clearInterval(timer);
}
