import { describe, expect, it } from 'vitest';
import { importMessages } from './import-rows';

const header = ['user_id', 'plan', 'city'];
const at = '2026-12-07T10:00:00.000Z';

describe('import rows', () => {
  it('makes one identify per good row, with a stable message id, and a reason per bad row', () => {
    const { messages, errors } = importMessages(
      'imp_abcdefghijklmnop',
      header,
      11,
      [
        ['u-1', 'gold', 'Lyon'],
        ['u-2', 'silver'],
        ['', 'gold', 'Paris'],
        ['u-4', '', ''],
        ['u-5', 'bronze', ''],
      ],
      at,
    );
    expect(messages).toEqual([
      { row: 11, message: { type: 'identify', messageId: 'imp_abcdefghijklmnop_r11', userId: 'u-1', traits: { plan: 'gold', city: 'Lyon' }, timestamp: at } },
      { row: 15, message: { type: 'identify', messageId: 'imp_abcdefghijklmnop_r15', userId: 'u-5', traits: { plan: 'bronze' }, timestamp: at } },
    ]);
    expect(errors).toEqual([
      { row: 12, reason: 'has 2 cells; the header has 3' },
      { row: 13, reason: 'empty user id' },
      { row: 14, reason: 'no trait values (every trait cell is empty)' },
    ]);
  });

  it('the same rows give the same messages (idempotent resend)', () => {
    const rows = [['u-1', 'gold', 'Lyon']];
    expect(importMessages('imp_abcdefghijklmnop', header, 1, rows, at)).toEqual(importMessages('imp_abcdefghijklmnop', header, 1, rows, at));
  });
});
