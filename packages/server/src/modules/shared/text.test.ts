import { describe, expect, it } from 'vitest';
import { CONTROL_MESSAGE, DEPTH_MESSAGE, MAX_INPUT_DEPTH, SURROGATE_MESSAGE, textIssues, textProblem } from './text.js';

describe('the text rule', () => {
  it('accepts tab, line feed, carriage return and any well-formed Unicode', () => {
    for (const text of ['', 'a\tb', 'one\ntwo', 'one\r\ntwo', 'שלום \u202e', '\u{1F600}', '\u007f', '\u0085']) {
      expect(textProblem(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('refuses every other C0 control character and lone surrogates', () => {
    for (let code = 0; code < 0x20; code++) {
      const expected = code === 0x09 || code === 0x0a || code === 0x0d ? undefined : CONTROL_MESSAGE;
      expect(textProblem(`a${String.fromCharCode(code)}b`), `U+${code.toString(16)}`).toBe(expected);
    }
    for (const text of ['\ud800', 'a\udfff', '\udc00\ud800', '\ud83d'])
      expect(textProblem(text)).toBe(SURROGATE_MESSAGE);
  });

  it('finds offending strings anywhere, keys included, with their paths', () => {
    const input = JSON.parse('{"a":"ok","b":[1,"x\\u0000"],"c":{"d\\u0001":"ok","e":{"f":"\\ud800"}}}') as unknown;
    expect(textIssues(input)).toEqual([
      { path: ['b', 1], code: 'custom', message: CONTROL_MESSAGE },
      { path: ['c', 'd\u0001'], code: 'custom', message: CONTROL_MESSAGE },
      { path: ['c', 'e', 'f'], code: 'custom', message: SURROGATE_MESSAGE },
    ]);
    expect(textIssues('\u0000')).toEqual([{ path: [], code: 'custom', message: CONTROL_MESSAGE }]);
    expect(textIssues({ n: 1, b: true, z: null, s: 'fine' })).toEqual([]);
  });

  it('stops at the depth limit and after ten issues, whatever the input holds', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 400_000; i++) deep = [deep];
    const issues = textIssues(deep);
    expect(issues).toEqual([{ path: Array(MAX_INPUT_DEPTH).fill(0), code: 'custom', message: DEPTH_MESSAGE }]);
    expect(textIssues(Array.from({ length: 1_000 }, () => '\u0000'))).toHaveLength(10);
  });
});
