/** Time, injected so that tests need not wait (STYLE.md habit 9). */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
