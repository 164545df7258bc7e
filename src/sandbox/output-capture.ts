/**
 * Keeps the first and the last `keep` bytes of a stream and counts the rest, so a command may print
 * any amount while memory stays bounded and nothing goes to disk.
 */
export class OutputCapture {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  total = 0;

  constructor(private readonly keep: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.keep) {
      const take = chunk.subarray(0, this.keep - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
      if (chunk.length === 0) return;
    }
    const joined = Buffer.concat([this.tail, chunk]);
    this.tail = joined.subarray(Math.max(0, joined.length - this.keep));
  }

  /** The whole output when it fit, else `share` bytes: half from the start and half from the end, with a note between. */
  text(share: number): string {
    const head = Buffer.concat(this.head);
    if (this.total <= share) return Buffer.concat([head, this.tail]).subarray(0, this.total).toString('utf8');
    const headBytes = Math.floor(share / 2);
    const tailBytes = share - headBytes;
    const start = head.subarray(0, headBytes);
    const whole = Buffer.concat([head, this.tail]);
    const end = this.total <= whole.length ? whole.subarray(whole.length - tailBytes) : this.tail.subarray(this.tail.length - tailBytes);
    const omitted = this.total - headBytes - tailBytes;
    return `${start.toString('utf8')}\n[... ${omitted} bytes omitted; redirect the output to a file and use Read or Grep to see all of it ...]\n${end.toString('utf8')}`;
  }
}

/** Splits a budget of characters between stdout and stderr the way the Bash tool always has. */
export function outputTexts(out: OutputCapture, err: OutputCapture, cap: number): { stdout: string; stderr: string; truncated: boolean } {
  if (out.total + err.total <= cap) return { stdout: out.text(cap), stderr: err.text(cap), truncated: false };
  const errShare = Math.min(err.total, Math.max(Math.floor(cap / 3), cap - out.total));
  return { stdout: out.text(cap - errShare), stderr: err.text(errShare), truncated: true };
}
