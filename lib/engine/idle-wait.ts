/** The wait of a polling worker loop with nothing to do: until the poll interval passes or someone pokes it. */
export class IdleWait {
  private wake?: () => void;

  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.end(resolve), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.end(resolve);
      };
    });
  }

  /** Ends the current wait, if any. */
  poke(): void {
    this.wake?.();
  }

  private end(resolve: () => void): void {
    this.wake = undefined;
    resolve();
  }
}
