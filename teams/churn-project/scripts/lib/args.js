/**
 * Parses `--key value`, `--key=value` and bare `--flag` into an object; positional
 * arguments go to `_`. Only the names in `known` are accepted, so typos fail loudly.
 */
export function parseArgs(argv, known, usage) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      out._.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!(name in known)) {
      throw new Error(`unknown option --${name}; usage: ${usage}`);
    }
    if (known[name] === 'flag') {
      out[name] = true;
      continue;
    }
    let value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new Error(`--${name} needs a value; usage: ${usage}`);
    if (known[name] === 'int') {
      if (!/^-?\d+$/.test(value)) throw new Error(`--${name} must be an integer, got "${value}"`);
      value = Number(value);
    }
    out[name] = value;
  }
  return out;
}
