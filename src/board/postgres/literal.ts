import { randomBytes } from 'node:crypto';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Values written into SQL text, for statements that go to the server in one batch with others
 * (the simple query protocol takes no parameters). Only two shapes are ever produced: a number
 * checked to be finite (an integer for integer columns), or a dollar-quoted string whose tag is
 * checked not to occur in it, so the text needs no escaping and cannot end the literal.
 */
export function dollarQuoted(text: string): string {
  for (;;) {
    const tag = `$q${randomBytes(4).toString('hex')}$`;
    if (!text.includes(tag)) return `${tag}${text}${tag}`;
  }
}

export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`${value} is not an integer`);
  return String(value);
}

/** A value for a column, as SQL text (JSON columns get the JSON text, as drizzle would send it). */
export function columnLiteral(column: PgColumn, value: unknown): string {
  const driver: unknown = value === null || value === undefined ? null : column.mapToDriverValue(value);
  if (driver === null) return 'NULL';
  if (typeof driver === 'number') {
    if (column.columnType === 'PgInteger' || column.columnType === 'PgBigInt53') return integerLiteral(driver);
    if (!Number.isFinite(driver)) throw new Error(`${driver} cannot be stored in ${column.name}`);
    return String(driver);
  }
  if (typeof driver === 'boolean') return driver ? 'TRUE' : 'FALSE';
  if (typeof driver === 'string') return dollarQuoted(driver);
  throw new Error(`no SQL literal for a ${typeof driver} in ${column.name}`);
}
