import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline, noDeadline, type DeadlineSignal } from '../src/deadline.js';

describe('Deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts when its time is up with a TimeoutError, calls its listeners once, then onPassed', () => {
    const calls: string[] = [];
    const deadline = new Deadline(100, 'request deadline passed', () => calls.push('passed'));
    deadline.addEventListener('abort', () => calls.push('first'));
    deadline.addEventListener('abort', () => calls.push('second'));
    vi.advanceTimersByTime(99);
    expect(deadline.aborted).toBe(false);
    expect(() => deadline.throwIfAborted()).not.toThrow();
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(deadline.aborted).toBe(true);
    expect(() => deadline.throwIfAborted()).toThrow(deadline.reason);
    expect(deadline.reason).toBeInstanceOf(DOMException);
    expect(deadline.reason).toMatchObject({ name: 'TimeoutError', message: 'request deadline passed' });
    expect(calls).toEqual(['first', 'second', 'passed']);
    vi.advanceTimersByTime(1_000);
    expect(calls).toHaveLength(3);
  });

  it('forgets a removed listener and never calls one added after it passed, as an AbortSignal does', () => {
    const calls: string[] = [];
    const deadline = new Deadline(10, 'late');
    const removed = () => calls.push('removed');
    deadline.addEventListener('abort', removed);
    deadline.addEventListener('abort', () => calls.push('kept'));
    deadline.removeEventListener('abort', removed);
    vi.advanceTimersByTime(10);
    deadline.addEventListener('abort', () => calls.push('after'));
    expect(calls).toEqual(['kept']);
  });

  it('never aborts once cleared: the work was answered', () => {
    const onPassed = vi.fn();
    const deadline = new Deadline(10, 'late', onPassed);
    deadline.clear();
    vi.advanceTimersByTime(1_000);
    expect(deadline.aborted).toBe(false);
    expect(onPassed).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stands where an AbortSignal does, and noDeadline never passes', () => {
    const controller = new AbortController();
    const signals: DeadlineSignal[] = [controller.signal, noDeadline];
    controller.abort(new Error('gone'));
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
  });
});
