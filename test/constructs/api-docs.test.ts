import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', '..', 'lib', 'constructs');

/** Optional props of exported interfaces, with the JSDoc right above each. */
function optionalProps(source: string): Array<{ name: string; doc: string }> {
  const out: Array<{ name: string; doc: string }> = [];
  const re = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?(?:public\s+)?readonly (\w+)\?:/g;
  for (let match = re.exec(source); match; match = re.exec(source)) out.push({ name: match[2], doc: match[1] ?? '' });
  return out;
}

describe('construct API docs', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'catalog-codes.ts');

  test.each(files)('%s documents every optional prop with "@default - <behaviour>"', (file) => {
    const undocumented = optionalProps(readFileSync(join(DIR, file), 'utf8'))
      .filter((p) => !/@default - \S/.test(p.doc))
      .map((p) => p.name);
    expect(undocumented).toEqual([]);
  });
});
