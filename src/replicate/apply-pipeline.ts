/**
 * Target writes run one after another, in the order they were queued, while the caller goes on
 * decoding the stream: the target executes one batch as the next is prepared. At most `depth`
 * writes are held (the running one included), so memory stays bounded however far the source is ahead.
 * The first failure skips every write queued after it (a commit queued behind a failed write never
 * runs) and is thrown to the caller at its next wait.
 */
export class ApplyPipeline {
  private tail: Promise<void> = Promise.resolve();
  /** Queued writes, each settled (never rejecting), oldest first. */
  private readonly queued: Promise<void>[] = [];
  private failure: { readonly error: unknown } | undefined;

  constructor(private readonly depth: number) {}

  /** Queue a write behind those queued before it. */
  push(write: () => Promise<void>): void {
    const link = this.tail.then(write);
    this.tail = link;
    const settled = link.then(
      () => undefined,
      (e: unknown) => {
        this.failure ??= { error: e };
      },
    );
    this.queued.push(settled);
    void settled.then(() => this.queued.splice(this.queued.indexOf(settled), 1));
  }

  /** Whether the caller must wait in room(): too many writes queued, or one failed. Checked first, it spares a wait per change. */
  get full(): boolean {
    return this.queued.length > this.depth || this.failure !== undefined;
  }

  /** Wait until at most `depth` writes are queued (room for the next), throwing a failure. */
  async room(): Promise<void> {
    while (this.queued.length > this.depth) await this.queued[0];
    this.throwFailure();
  }

  /** Wait for every queued write, throwing the first failure. */
  async drain(): Promise<void> {
    const failure = await this.settle();
    if (failure !== undefined) throw failure.error;
  }

  /** Wait for every queued write to end, whatever happened; the pipeline is empty and healthy after. */
  async settle(): Promise<{ readonly error: unknown } | undefined> {
    while (this.queued.length > 0) await this.queued[this.queued.length - 1];
    const failure = this.failure;
    this.tail = Promise.resolve();
    this.failure = undefined;
    return failure;
  }

  private throwFailure(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
