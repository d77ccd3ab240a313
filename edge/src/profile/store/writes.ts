/**
 * What the object wrote since it last looked, kept in memory: a batch that wrote nothing a reader
 * cares about skips that reader's queries (the alarm's wake time, new segment entries for
 * journeys). A new instance starts with something unseen, so its first batch always looks.
 * The tables are written only through ProfileStore (their one owner), which notes each such
 * write: a writer that went around it would leave the alarm or the journeys a batch behind.
 */
export class Unseen {
  private written = 1;
  private seen = 0;

  /** A write the reader must look at. */
  note(): void {
    this.written++;
  }

  /** A mark to hand to `seenUpTo` after looking, or null when nothing was written since the last look. */
  mark(): number | null {
    return this.written === this.seen ? null : this.written;
  }

  /** Looked at everything written up to `mark`; a write made while looking stays unseen. */
  seenUpTo(mark: number): void {
    this.seen = Math.max(this.seen, mark);
  }
}
