import { describe, expect, it } from 'vitest';
import { API_NODE_FLAGS, apiNodeFlags } from '../src/node-flags.js';

describe('apiNodeFlags', () => {
  it('gives the API’s V8 flags when the operator set none of them', () => {
    expect(API_NODE_FLAGS).toContain('--max-semi-space-size=32');
    expect(apiNodeFlags([], undefined)).toEqual([...API_NODE_FLAGS]);
    expect(apiNodeFlags(['--enable-source-maps'], '--max-old-space-size=512')).toEqual([...API_NODE_FLAGS]);
  });

  it('leaves out a flag the operator set on the command line or in NODE_OPTIONS, in either spelling', () => {
    expect(apiNodeFlags(['--max-semi-space-size=64'])).toEqual([]);
    expect(apiNodeFlags([], '--trace-warnings --max_semi_space_size=8')).toEqual([]);
  });
});
