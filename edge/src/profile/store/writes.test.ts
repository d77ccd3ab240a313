import { describe, expect, it } from 'vitest';
import { Unseen } from './writes';

describe('Unseen', () => {
  it('a new instance has something to look at; after a look, only a new write does', () => {
    const unseen = new Unseen();
    const first = unseen.mark();
    expect(first).not.toBeNull();
    unseen.seenUpTo(first!);
    expect(unseen.mark()).toBeNull();
    unseen.note();
    expect(unseen.mark()).not.toBeNull();
  });

  it('a write made while looking stays unseen', () => {
    const unseen = new Unseen();
    const mark = unseen.mark()!;
    unseen.note();
    unseen.seenUpTo(mark);
    expect(unseen.mark()).not.toBeNull();
  });
});
