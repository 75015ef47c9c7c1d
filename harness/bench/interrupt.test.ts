import { describe, expect, it } from 'vitest';
import { ExitCode, InterruptedError } from '../errors.js';
import { asInterrupted, throwIfInterrupted } from './interrupt.js';

describe('benchmark interruption', () => {
  it('throws InterruptedError (exit 130) once the signal fired, nothing before', () => {
    const c = new AbortController();
    expect(() => throwIfInterrupted(c.signal)).not.toThrow();
    expect(() => throwIfInterrupted(undefined)).not.toThrow();
    c.abort('SIGINT');
    let caught: unknown;
    try {
      throwIfInterrupted(c.signal);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InterruptedError);
    expect(caught).toMatchObject({ exitCode: ExitCode.interrupted, signal: 'SIGINT', message: 'interrupted by SIGINT' });
  });

  it('turns a failure caused by the signal into InterruptedError, leaves others alone', () => {
    const plain = new Error('load agent died');
    const c = new AbortController();
    expect(asInterrupted(plain, c.signal)).toBe(plain);
    c.abort('SIGTERM');
    expect(asInterrupted(plain, c.signal)).toMatchObject({ name: 'InterruptedError', exitCode: 130, signal: 'SIGTERM' });
    const already = new InterruptedError('SIGINT');
    expect(asInterrupted(already, c.signal)).toBe(already);
  });
});
