import { describe, expect, it } from 'vitest';

describe('project skeleton', () => {
  it('runs tests', () => {
    expect(1 + 1).toBe(2);
  });
});
