import { describe, expect, it } from 'vitest';
import { compileGlob, expandBraces, GlobPatternError, hasParentSegment, literalPrefix } from '../../src/tools/glob-match.js';

function matches(pattern: string, paths: string[]): string[] {
  const regex = compileGlob(pattern);
  return paths.filter((p) => regex.test(p));
}

const PATHS = ['a.ts', 'b.js', '.env', 'src/c.ts', 'src/lib/d.ts', 'src/lib/e.md', 'test/f.ts', 'data/raw/x.csv', 'x*y.md'];

describe('compileGlob', () => {
  it('keeps * and ? within one segment', () => {
    expect(matches('*.ts', PATHS)).toEqual(['a.ts']);
    expect(matches('src/*.ts', PATHS)).toEqual(['src/c.ts']);
    expect(matches('?.js', PATHS)).toEqual(['b.js']);
  });

  it('lets ** span any number of directories, including none', () => {
    expect(matches('**/*.ts', PATHS)).toEqual(['a.ts', 'src/c.ts', 'src/lib/d.ts', 'test/f.ts']);
    expect(matches('src/**/*.ts', PATHS)).toEqual(['src/c.ts', 'src/lib/d.ts']);
    expect(matches('src/**', PATHS)).toEqual(['src/c.ts', 'src/lib/d.ts', 'src/lib/e.md']);
    expect(matches('**', PATHS)).toEqual(PATHS);
  });

  it('matches names that start with a dot', () => {
    expect(matches('.*', PATHS)).toEqual(['.env']);
    expect(matches('*', PATHS)).toEqual(['a.ts', 'b.js', '.env', 'x*y.md']);
  });

  it('expands braces and character classes', () => {
    expect(matches('*.{ts,js}', PATHS)).toEqual(['a.ts', 'b.js']);
    expect(matches('{src,test}/*.ts', PATHS)).toEqual(['src/c.ts', 'test/f.ts']);
    expect(matches('[ab].*', PATHS)).toEqual(['a.ts', 'b.js']);
    expect(matches('[!a].*', PATHS)).toEqual(['b.js']);
    expect(matches('src/lib/[c-d].ts', PATHS)).toEqual(['src/lib/d.ts']);
  });

  it('treats escaped and unmatched special characters literally', () => {
    expect(matches('x\\*y.md', PATHS)).toEqual(['x*y.md']);
    expect(compileGlob('a[b').test('a[b')).toBe(true);
    expect(compileGlob('{a}').test('{a}')).toBe(true);
    expect(compileGlob('a.b').test('axb')).toBe(false);
  });

  it('normalizes ./ and trailing slashes', () => {
    expect(matches('./src/*.ts', PATHS)).toEqual(['src/c.ts']);
    expect(matches('data/raw/', ['data/raw'])).toEqual(['data/raw']);
  });

  it('refuses empty patterns and brace explosions', () => {
    expect(() => compileGlob('')).toThrow(new GlobPatternError('glob pattern is empty; use e.g. "**/*.ts"'));
    expect(() => compileGlob('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}')).toThrow(
      'glob pattern expands to more than 256 alternatives; use fewer {a,b} groups',
    );
  });
});

describe('glob helpers', () => {
  it('expands nested braces like bash', () => {
    expect(expandBraces('{a,b{c,d}}/{x,y}')).toEqual(['a/x', 'a/y', 'bc/x', 'bc/y', 'bd/x', 'bd/y']);
  });

  it('finds the literal directory prefix', () => {
    expect(literalPrefix('src/lib/**/*.ts')).toBe('src/lib');
    expect(literalPrefix('*.ts')).toBe('');
    expect(literalPrefix('src/{a,b}/x.ts')).toBe('src');
    expect(literalPrefix('src/file.ts')).toBe('src');
  });

  it('spots .. segments, also inside braces', () => {
    expect(hasParentSegment('../*.ts')).toBe(true);
    expect(hasParentSegment('{src,..}/x')).toBe(true);
    expect(hasParentSegment('a..b/*.ts')).toBe(false);
  });
});
