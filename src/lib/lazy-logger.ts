import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

/**
 * A child logger made a real pino child only when a line is written at an enabled level. Fastify makes a child
 * logger for every request (to bind its reqId), and the job worker one for every run; at the default levels most of
 * them write nothing below `warn`, and making the child (bindings serialised, redaction set up) was the dearest step
 * of an authenticated GET left after the read cache (bench/api).
 */
class LazyChildLogger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly own: Bindings,
  ) {}

  private real(): Logger {
    this.made ??= this.parent.child(this.own);
    return this.made;
  }

  private write(level: Level, args: unknown[]): void {
    if ((this.made ?? this.parent).isLevelEnabled(level)) {
      (this.real()[level] as (...a: unknown[]) => void)(...args);
    }
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real().child(bindings, options);
  }

  bindings(): Bindings {
    return { ...this.parent.bindings(), ...this.own };
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  silent(): void {}
}

/** A child of `parent` with `bindings`, made only when it first writes a line. */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  return new LazyChildLogger(parent, bindings) as unknown as Logger;
}
