/** A team or agent file that cannot be used. `message` is the first problem; `errors` holds all of them. */
export class DefinitionError extends Error {
  override name = 'DefinitionError';
  readonly file: string;
  readonly line: number | undefined;
  readonly errors: string[];

  constructor(message: string, opts: { file: string; line?: number; errors?: string[] }) {
    super(message);
    this.file = opts.file;
    this.line = opts.line;
    this.errors = opts.errors && opts.errors.length > 0 ? opts.errors : [message];
  }
}
