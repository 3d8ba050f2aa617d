// What the figures were measured on: cores, memory, Node, the PostgreSQL server, load, date.
import { cpus, loadavg, release, totalmem } from 'node:os';
import { poolOf } from './pg.js';
import type { BenchContext } from './scenario.js';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly postgres: string;
  readonly loadAverage1m: number;
  readonly date: string;
}

export const describeMachine = async (settings: BenchContext['pg']): Promise<Machine> => {
  let postgres = 'unreachable';
  const pool = poolOf(settings, 1);
  try {
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    postgres = rows[0]?.server_version ?? 'unknown';
  } catch (e) {
    postgres = `unreachable (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    await pool.end();
  }
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
    postgres,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    date: new Date().toISOString(),
  };
};
