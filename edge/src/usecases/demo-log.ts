/**
 * Local development prints each stored batch, so a newcomer sees events arrive. Under a load test
 * that is thousands of lines a second, and printing them cost more workerd CPU than storing the
 * batches (bench/README.md, "Collect endpoint"): past `perSecond` lines in a second the batches are
 * only counted, and the next line printed says how many were left out.
 */
export class ThrottledLog {
  private windowStartedAt = -Infinity;
  private printedInWindow = 0;
  private leftOut = 0;

  constructor(
    private readonly print: (line: string) => void,
    private readonly perSecond = 5,
    private readonly now: () => number = Date.now,
  ) {}

  /** Prints `line()` unless this second's lines are used up; `line` is only built when printed. */
  line(line: () => string): void {
    const at = this.now();
    if (at - this.windowStartedAt >= 1_000) {
      this.windowStartedAt = at;
      this.printedInWindow = 0;
    }
    if (this.printedInWindow >= this.perSecond) {
      this.leftOut++;
      return;
    }
    this.printedInWindow++;
    const note = this.leftOut > 0 ? ` (${this.leftOut} more stored batches not shown)` : '';
    this.leftOut = 0;
    this.print(line() + note);
  }
}
