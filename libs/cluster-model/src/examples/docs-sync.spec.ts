import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../../..');

describe('docs/EXTENDING-SIMULATORS.md', () => {
  const doc = readFileSync(join(root, 'docs/EXTENDING-SIMULATORS.md'), 'utf8');
  const blocks = [...doc.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)```/g)];

  it('shows the worked example files', () => {
    expect(blocks.map((b) => b[1])).toEqual(['libs/cluster-model/src/examples/steam-press.ts', 'libs/cluster-model/src/examples/steam-press.spec.ts']);
  });

  it.each(blocks.map((b) => [b[1], b[2]]))('shows %s exactly as it is in the repository', (file, shown) => {
    expect(shown).toBe(readFileSync(join(root, file), 'utf8'));
  });
});
