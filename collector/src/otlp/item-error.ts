/** One item of a request (a span, a log record, a data point) that cannot be stored as sent. */
export class ItemError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ItemError';
  }
}

/** Counts what a request rejected and keeps the first few reasons for the client. */
export class Rejections {
  count = 0;
  private readonly reasons: string[] = [];

  add(err: ItemError): void {
    this.count++;
    if (this.reasons.length < 5) this.reasons.push(err.message);
  }

  message(): string {
    if (this.count === 0) return '';
    const more =
      this.count > this.reasons.length ? `; and ${this.count - this.reasons.length} more` : '';
    return `rejected ${this.count}: ${this.reasons.join('; ')}${more}`;
  }
}
