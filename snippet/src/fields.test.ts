import { describe, expect, it } from 'vitest';
import { fieldOk, fieldValue, formFields, type Field } from './fields';

const f = (o: Partial<Field>): Field => ({ type: 'text', name: '', id: '', value: '', ...o });

describe('fieldOk: which form fields may be read', () => {
  it.each([
    ['text', { type: 'text', name: 'email' }],
    ['email with autocomplete', { type: 'email', name: 'email', autocomplete: 'email' }],
    ['select', { type: 'select-one', name: 'size' }],
    ['textarea', { type: 'textarea', name: 'message' }],
    ['radio', { type: 'radio', name: 'plan' }],
    ['shipping address', { type: 'text', name: 'address', autocomplete: 'shipping street-address' }],
  ])('reads %s', (_, o) => expect(fieldOk(f(o))).toBe(true));

  it.each([
    ['type=password', { type: 'password', name: 'x' }],
    ['type=PASSWORD', { type: 'PASSWORD', name: 'x' }],
    ['type=hidden', { type: 'hidden', name: 'csrf' }],
    ['type=file', { type: 'file', name: 'upload' }],
    ['autocomplete cc-number', { name: 'x', autocomplete: 'cc-number' }],
    ['autocomplete cc-exp after a section', { name: 'x', autocomplete: 'section-a billing cc-exp' }],
    ['autocomplete current-password', { name: 'x', autocomplete: 'current-password' }],
    ['autocomplete new-password', { name: 'x', autocomplete: 'new-password' }],
    ['autocomplete one-time-code', { name: 'x', autocomplete: 'one-time-code' }],
    ['name card_number', { name: 'card_number' }],
    ['name CardHolder', { name: 'CardHolder' }],
    ['name ccnum', { name: 'ccnum' }],
    ['name cc-num', { name: 'cc-num' }],
    ['name cvc', { name: 'cvc' }],
    ['id cvv2', { id: 'cvv2' }],
    ['name iban', { name: 'IBAN' }],
    ['name ssn', { name: 'ssn' }],
    ['name passwd', { name: 'passwd' }],
    ['id user_password', { id: 'user_password' }],
    ['name client_secret', { name: 'client_secret' }],
    ['name api_token', { name: 'api_token' }],
  ])('never reads %s', (_, o) => expect(fieldOk(f(o))).toBe(false));
});

describe('fieldValue', () => {
  it('single checkbox is a boolean', () => {
    const c = f({ type: 'checkbox', name: 'news', value: 'on', checked: true });
    expect(fieldValue(c, [c])).toBe(true);
    expect(fieldValue({ ...c, checked: false }, [{ ...c, checked: false }])).toBe(false);
  });
  it('checkbox group is the array of checked values', () => {
    const g = ['run', 'swim', 'bike'].map((value, i) => f({ type: 'checkbox', name: 'sport', value, checked: i != 1 }));
    expect(fieldValue(g[0]!, g)).toEqual(['run', 'bike']);
  });
  it('others give their value', () => {
    expect(fieldValue(f({ value: 'x' }), [])).toBe('x');
    expect(fieldValue(f({ type: 'select-one', value: 'm' }), [])).toBe('m');
  });
});

describe('formFields', () => {
  it('reads safe fields by name (or id), the checked radio, checkbox groups; skips secrets', () => {
    const els = [
      f({ name: 'email', value: 'a@b.c' }),
      f({ id: 'size', type: 'select-one', value: 'm' }),
      f({ type: 'radio', name: 'plan', value: 'basic' }),
      f({ type: 'radio', name: 'plan', value: 'pro', checked: true }),
      f({ type: 'checkbox', name: 'topics', value: 'a', checked: true }),
      f({ type: 'checkbox', name: 'topics', value: 'b', checked: true }),
      f({ type: 'checkbox', name: 'terms', value: 'on', checked: false }),
      f({ type: 'password', name: 'pw', value: 'hunter2' }),
      f({ type: 'hidden', name: 'csrf', value: 'abc' }),
      f({ name: 'card', value: '4111' }),
      f({ name: 'code', value: '123456', autocomplete: 'one-time-code' }),
      f({ name: '', id: '', value: 'anonymous' }),
    ];
    expect(formFields(els)).toEqual({ email: 'a@b.c', size: 'm', plan: 'pro', topics: ['a', 'b'], terms: false });
  });
});
