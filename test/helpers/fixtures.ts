import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A capture from a real kernel (test/fixtures/kernel/*.json, written by test/fixtures/capture.py). */
export interface KernelFixture {
  name: string;
  description: string;
  portid: number;
  request: string | null;
  messages: string[];
  notifications: string[];
}

const DIR = join(import.meta.dirname, '..', 'fixtures', 'kernel');

export function fixture(name: string): KernelFixture {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as KernelFixture;
}

export const hex = (s: string) => Buffer.from(s, 'hex');
