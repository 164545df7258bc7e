// Keeps the team's decisions in config.json; later scripts read them from there.
//   node scripts/config.js set key=value [key=value ...]
//   node scripts/config.js get key
//   node scripts/config.js show          (everything, with the allowed values)
import { SCHEMA, coerce, loadConfig, saveConfig, ConfigError } from './lib/config-store.js';
import { runMain } from './lib/paths.js';

const USAGE = 'node scripts/config.js set key=value [key=value ...] | get key | show';

runMain('config', () => {
  const [command, ...rest] = process.argv.slice(2);
  const config = loadConfig();

  if (command === 'get') {
    if (rest.length !== 1) throw new ConfigError(`get takes one key; usage: ${USAGE}`);
    const key = rest[0];
    if (!(key in SCHEMA)) throw new ConfigError(`unknown key "${key}"; known keys: ${Object.keys(SCHEMA).join(', ')}`);
    process.stdout.write(`${config[key]}\n`);
    return 0;
  }

  if (command === 'set') {
    if (rest.length === 0) throw new ConfigError(`set needs at least one key=value; usage: ${USAGE}`);
    const changes = rest.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new ConfigError(`"${pair}" is not key=value; usage: ${USAGE}`);
      const key = pair.slice(0, eq);
      return [key, coerce(key, pair.slice(eq + 1))];
    });
    for (const [key, value] of changes) {
      const before = config[key];
      config[key] = value;
      process.stdout.write(before === value ? `${key} = ${value} (unchanged)\n` : `${key} = ${value} (was ${before})\n`);
    }
    saveConfig(config);
    return 0;
  }

  if (command === 'show' || command === undefined) {
    const lines = Object.entries(SCHEMA).map(([key, spec]) => {
      const allowed = spec.type === 'enum' ? spec.values.join(' | ') : `${spec.type} ${spec.min}..${spec.max}`;
      return `${key} = ${config[key]}    [${allowed}] ${spec.help}\n`;
    });
    process.stdout.write(lines.join(''));
    return 0;
  }

  throw new ConfigError(`unknown command "${command}"; usage: ${USAGE}`);
});
