/*
 * Deterministic kill points for the crash suite (test/crash). `CRASH_AT=<name>` (config `testing.crashAt`) makes the
 * process SIGKILL itself when code reaches `crashPoint(<name>)`: the state a `kill -9` leaves at exactly that step,
 * without timing. Unset (always, outside tests) each call is one comparison against undefined.
 *
 * A module-level value rather than a Ctx field: the points sit in code that has no Ctx (blob stores, stream
 * callbacks). It is set once, by serve(), from the frozen config; nothing else writes it.
 */

let armed: string | undefined;

/** Arms the point named by the configuration (undefined: every point is a no-op). Called once at startup. */
export function armCrashPoint(name: string | undefined): void {
  armed = name;
}

/** Kills this process with SIGKILL when `name` is the armed point: no cleanup, no `finally`, no exit handlers. */
export function crashPoint(name: string): void {
  if (armed === name) {
    process.kill(process.pid, 'SIGKILL');
  }
}
