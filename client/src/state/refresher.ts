/**
 * Runs one task at a time: a request while it runs makes it run once more when it is done.
 * So a burst of requests (a hole seen on several entries in a row) costs at most one task in
 * flight and one after it, and no request is lost: the pass after it sees what changed.
 */
export class SingleFlight {
  private running = false;
  private queued = false;
  private pending: Promise<void> = Promise.resolve();

  /** `onError`: a failed pass is reported, and the next request tries again. */
  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Resolves when the pass that serves this request is done. Never rejects. */
  request(): Promise<void> {
    if (this.running) {
      this.queued = true;
      return this.pending;
    }
    this.running = true;
    this.pending = this.loop();
    return this.pending;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.queued = false;
        try {
          await this.task();
        } catch (err) {
          this.onError(err);
        }
      } while (this.queued);
    } finally {
      // In the same microtask as the last loop check, so no request can fall in between.
      this.running = false;
    }
  }
}
